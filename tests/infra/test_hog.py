"""deploy/local/hog.sh: a bounded CPU hog beside a command (`make test-loaded`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.infra.children import default_signals

HOG_SH = Path(__file__).resolve().parents[2] / "deploy" / "local" / "hog.sh"

# Run under hog.sh: finds the busy loops (children of the `timeout` pids hog.sh exports),
# checks they burn CPU while it runs, then exits with the status it was given.
PROBE = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path

    def loops():
        wanted = set(os.environ["OPSLEDGER_HOG_PIDS"].split())
        found = []
        for entry in Path("/proc").iterdir():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(") ", 1)[1].split()
            if entry.name.isdigit() and fields[1] in wanted:
                found.append(entry.name)
        return found

    def cpu_ticks(pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    busy = loops()
    before = {pid: cpu_ticks(pid) for pid in busy}
    time.sleep(float(sys.argv[2]))
    burnt = sum(
        cpu_ticks(pid) - ticks for pid, ticks in before.items() if Path(f"/proc/{pid}").exists()
    )
    print(f"loops={len(busy)} burnt={burnt} left={len(loops())}", flush=True)
    sys.exit(int(sys.argv[1]))
    """
)


def _probe(tmp_path: Path) -> Path:
    path = tmp_path / "probe.py"
    path.write_text(PROBE)
    return path


def _alive(pids: list[str]) -> list[str]:
    return [p for p in pids if Path(f"/proc/{p}").exists() and b"timeout" in _cmdline(p)]


def _cmdline(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _hog_pids(stderr: str) -> list[str]:
    line = next(line for line in stderr.splitlines() if "busy loop" in line)
    return line.split("(pids ", 1)[1].split(")", 1)[0].split()


def test_hog_burns_one_core_beside_the_command_and_stops_with_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(HOG_SH), "--", sys.executable, str(_probe(tmp_path)), "3", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3, result.stderr  # the command's status
    loops, burnt, left = (int(kv.split("=")[1]) for kv in result.stdout.split())
    assert loops == 1 and left == 1  # one core's busy loop, all along the command
    assert burnt > 0
    assert _alive(_hog_pids(result.stderr)) == []  # nothing outlives the command


def test_hog_is_bounded_in_time_even_while_the_command_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(HOG_SH), "--seconds", "1", "--", sys.executable, str(_probe(tmp_path)), "0", "3"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "left=0" in result.stdout  # the loop ended after 1 s, the command 2 s later


def test_hog_stops_when_interrupted(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(HOG_SH), "--cores", "2", "--", "sleep", "30"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_signals,
    )
    try:
        assert proc.stderr is not None
        pids = _hog_pids(proc.stderr.readline())
        # The loops are forked before the line is printed but may not have exec'd
        # `timeout` yet: wait (bounded) until both run it.
        deadline = time.monotonic() + 10
        while len(_alive(pids)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(_alive(pids)) == 2
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal
        assert proc.wait(timeout=20) == 130
        assert time.monotonic() - started < 10
        assert _alive(pids) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_hog_refuses_bad_arguments() -> None:
    for args in (["--cores", "0", "--", "true"], ["--seconds", "x", "--", "true"], ["true"]):
        result = subprocess.run([str(HOG_SH), *args], capture_output=True, text=True, check=False)
        assert result.returncode == 2 and "hog.sh:" in result.stderr, args
