"""The fuzz tier: every installed service, fuzzed through its own OpenAPI document.

`make test` runs the quick profile; `make fuzz` the thorough one (OPSLEDGER_FUZZ=thorough,
at least 50 examples per operation, stateful sequences). The end of the run prints one
line per service: operations, requests, 5xx and check failures.
"""

import pytest

from tests.fuzz.harness import ServiceReport

_REPORTS: list[ServiceReport] = []


@pytest.fixture(scope="session")
def fuzz_reports() -> list[ServiceReport]:
    return _REPORTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _REPORTS:
        return
    terminalreporter.section("fuzz: requests and failures per service")
    for report in sorted(_REPORTS, key=lambda r: r.service):
        terminalreporter.write_line(report.summary())
