"""Zero 5xx and zero answers that break their own schema, for every service.

The services are discovered (`service_names()`), never listed: a new service is fuzzed
the day it is installed.
"""

from pathlib import Path

import pytest
from opsledger.service import service_names

from tests.fuzz.harness import Profile, ServiceReport, fuzz_service


@pytest.mark.slow
@pytest.mark.parametrize("service", service_names())
def test_the_service_survives_fuzzing(
    service: str, tmp_path: Path, fuzz_reports: list[ServiceReport]
) -> None:
    report = fuzz_service(service, tmp_path, Profile.from_env())
    fuzz_reports.append(report)
    assert report.requests > 0, f"{service}: nothing was sent"
    assert report.ok, report.details()
