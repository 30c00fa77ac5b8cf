"""Dispatch and fleet in-process (the services' own test harnesses), for issue 17."""

from collections.abc import AsyncIterator

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.clock import ManualClock
from opsledger.service import load_service
from opsledger.settings import Settings

from tests.dispatch.conftest import SECRET as DISPATCH_SECRET
from tests.dispatch.conftest import Dispatch, running
from tests.fleet.conftest import SECRET as FLEET_SECRET
from tests.fleet.conftest import START, Fleet


@pytest.fixture
async def dispatch(database_url: str) -> AsyncIterator[Dispatch]:
    async with running(Settings(database_url=database_url, auth_secret=DISPATCH_SECRET)) as d:
        yield d


@pytest.fixture
async def fleet(database_url: str) -> AsyncIterator[Fleet]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, auth_secret=FLEET_SECRET)
    service = ServiceApp(load_service("fleet"), settings, clock=clock)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://fleet") as client:
        yield Fleet(service, client, clock)
    await service.stop()
