import pytest_asyncio

from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.seed import load_seed
from placenames.settings import PlacenamesSettings


@pytest_asyncio.fixture
async def placenames(start_service, fake_clock):
    """The placenames service in-process, with the Chibi seed loaded."""
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS, clock=fake_clock)
    await load_seed(service.infra.uow)
    return service
