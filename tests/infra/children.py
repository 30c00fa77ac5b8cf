"""Children that tests signal: started with the signal dispositions a terminal job has.

A non-interactive shell starts a background job (`make test &` in a script, a CI step)
with SIGINT and SIGQUIT ignored, and an ignored signal stays ignored across fork and exec,
into every process the suite starts. bash cannot even trap a signal that was ignored when
it started, so a script under test would never see the test's Ctrl-C. A test that signals
a child therefore sets the child's dispositions itself (`preexec_fn=default_signals`),
instead of inheriting whatever the suite was started with.
"""

from __future__ import annotations

import signal

# What a shell may have set to SIG_IGN for a background job (POSIX: SIGINT and SIGQUIT).
RESET = (signal.SIGINT, signal.SIGQUIT)


def default_signals() -> None:
    """`preexec_fn` of a child a test will signal: SIGINT and SIGQUIT back to SIG_DFL."""
    for signum in RESET:
        signal.signal(signum, signal.SIG_DFL)
