"""deploy/prometheus/install-promtool.sh: an already-built promtool wins; building is the
last resort (minutes on a fresh machine). No network: the "release" is served from a
local directory through PROMETHEUS_RELEASE_URL=file://…
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

INSTALL = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "install-promtool.sh"
RELEASE = "3.16.0"  # what the default module version v0.316.0 is released as
TOOLS = (
    *("bash", "dirname", "id", "sort", "mkdir", "curl", "sha256sum", "tar", "gzip", "mv"),
    *("rm", "awk", "head", "mktemp", "uname", "cat"),
)
FAKE_PROMTOOL = "#!/bin/bash\necho 'promtool, version {version}'\n"
# Any call of these would mean a build or an apt-get: record it and fail.
RECORDING = '#!/bin/bash\necho "$0 $*" >> {log}\nexit 1\n'


def _bin_dir(tmp_path: Path) -> Path:
    """A PATH of the tools the script needs, without any promtool, go or apt-get."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    for trap in ("go", "apt-get"):
        _executable(bin_dir / trap, RECORDING.format(log=tmp_path / "forbidden.log"))
    return bin_dir


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


def _release(tmp_path: Path, checksum: str | None = None) -> Path:
    """A release directory laid out like GitHub's: v<release>/<tarball>, sha256sums.txt."""
    name = f"prometheus-{RELEASE}.linux-amd64"
    staging = tmp_path / "staging" / name
    staging.mkdir(parents=True)
    _executable(staging / "promtool", FAKE_PROMTOOL.format(version=RELEASE))
    release = tmp_path / "releases" / f"v{RELEASE}"
    release.mkdir(parents=True)
    tarball = release / f"{name}.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(staging, arcname=name)
    digest = checksum or hashlib.sha256(tarball.read_bytes()).hexdigest()
    (release / "sha256sums.txt").write_text(f"{'0' * 64}  other.tar.gz\n{digest}  {name}.tar.gz\n")
    return tmp_path / "releases"


def _install(tmp_path: Path, bin_dir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path),
        "OPSLEDGER_CACHE_DIR": str(tmp_path / "cache"),
        **extra,
    }
    return subprocess.run(
        ["bash", str(INSTALL)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _forbidden(tmp_path: Path) -> str:
    log = tmp_path / "forbidden.log"
    return log.read_text() if log.exists() else ""


@pytest.fixture(autouse=True)
def _amd64_only() -> None:
    if os.uname().machine != "x86_64":
        pytest.skip("the fake release is laid out for linux-amd64")


def test_a_promtool_on_path_is_used_without_building(tmp_path: Path) -> None:
    bin_dir = _bin_dir(tmp_path)
    _executable(bin_dir / "promtool", FAKE_PROMTOOL.format(version="2.42.0"))
    result = _install(tmp_path, bin_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == str(bin_dir / "promtool")
    assert _forbidden(tmp_path) == ""


def test_the_official_release_is_downloaded_checked_and_cached(tmp_path: Path) -> None:
    bin_dir = _bin_dir(tmp_path)
    url = f"file://{_release(tmp_path)}"
    result = _install(tmp_path, bin_dir, PROMETHEUS_RELEASE_URL=url)
    assert result.returncode == 0, result.stderr
    target = tmp_path / "cache" / "promtool-v0.316.0" / "promtool"
    assert result.stdout.splitlines()[-1] == str(target)
    assert f"from the official {RELEASE} release (sha256 " in result.stderr
    assert _forbidden(tmp_path) == ""
    # Cached: a second run needs no download (the release is gone) and no build.
    shutil.rmtree(tmp_path / "releases")
    again = _install(tmp_path, bin_dir, PROMETHEUS_RELEASE_URL=url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == str(target)
    assert _forbidden(tmp_path) == ""


@pytest.mark.parametrize("pinned", [False, True], ids=["sha256sums", "PROMETHEUS_SHA256"])
def test_a_tarball_with_the_wrong_checksum_is_refused(tmp_path: Path, pinned: bool) -> None:
    bin_dir = _bin_dir(tmp_path)
    wrong = "f" * 64
    releases = _release(tmp_path, checksum=None if pinned else wrong)
    extra = {"PROMETHEUS_RELEASE_URL": f"file://{releases}"}
    if pinned:
        extra["PROMETHEUS_SHA256"] = wrong
    result = _install(tmp_path, bin_dir, **extra)
    assert result.returncode == 1
    assert "CHECKSUM MISMATCH" in result.stderr
    assert not (tmp_path / "cache" / "promtool-v0.316.0" / "promtool").exists()
    assert list((tmp_path / "cache" / "downloads").glob("*.tar.gz")) == []  # not kept
    assert _forbidden(tmp_path) == ""  # no fallback to an unchecked source
