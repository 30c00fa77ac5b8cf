"""The suite holds when it was started in the background by a script.

A non-interactive shell hands a background job SIGINT (and SIGQUIT) already ignored, and
every process the suite starts inherits that. These tests start the suite's own children
exactly that way (`bash -c '… & wait'`) and check that a test's Ctrl-C still reaches them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Started by the test below in the background of a non-interactive bash, like the suite
# itself when a script runs `make test &`: this process has SIGINT ignored.
CHILD = textwrap.dedent(
    """
    import os, signal, subprocess, sys
    sys.path.insert(0, sys.argv[1])
    from tests.infra.children import default_signals

    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    script = 'trap "echo got-INT; exit 130" INT; echo ready; while :; do sleep 0.05; done'
    proc = subprocess.Popen(
        ["bash", "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_signals if sys.argv[2] == "reset" else None,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        code = "timeout"
    print(f"suite-ignores-INT={ignored} child-exit={code}", flush=True)
    """
)


def _in_background(command: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run `command` as a background job of a non-interactive shell, as a script would."""
    return subprocess.run(
        ["bash", "-c", f"{command} & wait $!"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("mode", "expected"), [("inherit", "child-exit=timeout"), ("reset", "child-exit=130")]
)
def test_a_signalled_child_gets_ctrl_c_only_with_its_dispositions_reset(
    tmp_path: Path, mode: str, expected: str
) -> None:
    """The mechanism: inherited, the child's trap never runs; reset, it does."""
    child = tmp_path / "child.py"
    child.write_text(CHILD)
    result = _in_background(f"{sys.executable} {child} {REPO} {mode}", timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"suite-ignores-INT=True {expected}" in result.stdout, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_run_sh_tests_pass_when_the_suite_runs_in_the_background() -> None:
    """The run.sh tests that failed so (Ctrl-C unseen, then "another run.sh is running"),
    run from a background job of a non-interactive shell."""
    selection = "ctrl_c or restarts_a_killed_service"
    module = "tests/infra/test_local_scripts.py"
    result = _in_background(
        f'{sys.executable} -m pytest {module} -p no:cacheprovider -q -k "{selection}"',
        timeout=1100,
    )
    output = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, output
    assert "2 passed" in result.stdout, output
