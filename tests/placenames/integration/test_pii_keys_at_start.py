"""A service started with a hash key its database's look-up hashes were not made with refuses to
start (before it serves or writes anything), instead of finding no one on record."""
from __future__ import annotations

import pytest
from servicekit.pii import generate_key
from servicekit.pii_keys import PiiKeyMismatch

from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.settings import PlacenamesSettings


async def test_a_changed_hash_key_stops_the_service_at_start(placenames, start_service, fake_clock):
    assert placenames.runtime.port  # started with the run's keys, which are recorded
    with pytest.raises(PiiKeyMismatch, match="CIVIC_PII_HASH_KEY"):
        await start_service(build_spec(), PlacenamesSettings, MIGRATIONS, clock=fake_clock,
                            pii_hash_key=generate_key())
