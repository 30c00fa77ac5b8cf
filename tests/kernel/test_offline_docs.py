"""/docs works with no internet: Swagger UI comes from the service, checked in a real browser.

The browser test runs Debian's headless `chromium` (installed with apt-get if missing) with
every host name except 127.0.0.1 unresolvable, like an air-gapped branch office, and reads
the DOM after the scripts ran. A control shows that FastAPI's default CDN page renders no
operation under the same conditions, so a pass means the assets really came from us.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from opsledger.docs import ASSETS_URL, install_offline_docs

OPERATIONS = ("/tickets/{ticket_id}/escalate", "/work-orders")


def _app(offline: bool = True) -> FastAPI:
    app = FastAPI(title="OpsLedger docs test")

    @app.post("/tickets/{ticket_id}/escalate", tags=["tickets"])
    async def escalate(ticket_id: str) -> dict[str, str]:
        """Escalate a ticket."""
        return {"ticket_id": ticket_id}

    @app.get("/work-orders", tags=["work orders"])
    async def work_orders() -> list[str]:
        """List work orders."""
        return []

    if offline:
        install_offline_docs(app)
    return app


async def test_docs_page_loads_only_local_assets() -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        page = (await client.get("/docs")).text
        assert "https://" not in page and "http://" not in page
        for asset, media in (
            ("swagger-ui-bundle.js", "javascript"),
            ("swagger-ui.css", "text/css"),
            ("favicon-32x32.png", "image/png"),
        ):
            assert f'"{ASSETS_URL}/{asset}"' in page
            response = await client.get(f"{ASSETS_URL}/{asset}")
            assert response.status_code == 200
            assert media in response.headers["content-type"]
        assert (await client.get("/redoc")).status_code == 404  # it needs a CDN: removed
        assert (await client.get("/openapi.json")).status_code == 200
        schema = (await client.get("/openapi.json")).json()
        assert not any(path.startswith("/static") for path in schema["paths"])


def test_an_app_without_openapi_is_refused() -> None:
    with pytest.raises(ValueError, match="no OpenAPI document"):
        install_offline_docs(FastAPI(openapi_url=None))


# --- in a real browser --------------------------------------------------------------------


def _chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0:
        pytest.fail("chromium is missing and we are not root: apt-get install -y chromium")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        subprocess.run(cmd, env=env, check=True, timeout=900)
    found = shutil.which("chromium")
    assert found, "apt-get install chromium did not provide /usr/bin/chromium"
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _rendered_dom(chromium: str, url: str, tmp_dir: str) -> str:
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # we run as root in CI
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_dir}",
            # No internet: every name but our loopback address fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--virtual-time-budget=15000",  # let the scripts run and fetch openapi.json
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
def test_docs_render_the_operations_in_headless_chromium_without_internet(
    tmp_path: os.PathLike[str],
) -> None:
    chromium = _chromium()
    with _serving(_app(offline=True)) as base:
        dom = _rendered_dom(chromium, f"{base}/docs", str(tmp_path))
    assert "opblock" in dom, dom[-2000:]  # Swagger UI's operation blocks
    for path in OPERATIONS:
        assert path in dom
    assert "Escalate" in dom


@pytest.mark.slow
def test_control_fastapis_cdn_docs_stay_blank_without_internet(
    tmp_path: os.PathLike[str],
) -> None:
    chromium = _chromium()
    with _serving(_app(offline=False)) as base:
        dom = _rendered_dom(chromium, f"{base}/docs", str(tmp_path))
    assert "opblock" not in dom
    assert OPERATIONS[1] not in dom
