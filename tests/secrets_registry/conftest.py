"""Fixtures of the registry tests: the service in-process on a ManualClock."""

from collections.abc import AsyncIterator

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.clock import ManualClock
from opsledger.service import load_service
from opsledger.settings import Settings

from tests.secrets_registry.harness import SECRET, START, Registry


@pytest.fixture
async def registry(database_url: str) -> AsyncIterator[Registry]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    service = ServiceApp(load_service("secrets_registry"), settings, clock=clock)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
        yield Registry(service, client, clock)
    await service.stop()
