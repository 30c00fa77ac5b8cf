"""/docs without internet: Swagger UI served from the service itself.

FastAPI's default /docs page loads Swagger UI from a CDN, so on an air-gapped machine it
renders blank. The assets are vendored under `static/swagger-ui/` (swagger-ui-dist from
npm; version and licence there). /redoc also needs a CDN and is removed.
"""

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI_DIR = Path(__file__).parent / "static" / "swagger-ui"
ASSETS_URL = "/static/swagger-ui"
_CDN_PAGES = ("/docs", "/redoc")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def page_csp(html: str) -> str:
    """Content-Security-Policy of a Swagger UI page: our own assets, its one inline script
    by hash, nothing from elsewhere, never framed."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


def install_offline_docs(app: FastAPI, docs_url: str = "/docs") -> None:
    """Serve Swagger UI at `docs_url` with assets from this process, never from a CDN.

    Replaces FastAPI's own /docs and /redoc routes if the app was built with them.
    """
    if not (SWAGGER_UI_DIR / "swagger-ui-bundle.js").is_file():
        raise RuntimeError(f"Swagger UI assets are missing from {SWAGGER_UI_DIR}")
    openapi_url = app.openapi_url
    if openapi_url is None:
        raise ValueError("the app has no OpenAPI document (openapi_url=None): nothing to show")
    app.router.routes[:] = [
        route
        for route in app.router.routes
        if getattr(route, "path", None) not in {*_CDN_PAGES, docs_url}
    ]
    app.mount(ASSETS_URL, StaticFiles(directory=SWAGGER_UI_DIR), name="swagger-ui")
    title = f"{app.title} - API"

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
        )
        page.headers["Content-Security-Policy"] = page_csp(bytes(page.body).decode())
        return page
