"""The CIVIC stream as a service finds it at start (servicekit.events.ensure_stream), on a real
single-server JetStream."""
from __future__ import annotations

from servicekit.events import STREAM, ensure_stream, stream_config


async def test_an_existing_stream_is_left_alone_and_too_few_replicas_are_reported(nc) -> None:
    js = nc.jetstream()
    assert await ensure_stream(js, 1) is True  # created here, or found as the run left it
    before = (await js.stream_info(STREAM)).config
    assert before.num_replicas == 1  # one server: one replica
    # A service configured for three (prod) finding a one-replica stream: reported, not changed.
    assert await ensure_stream(js, 3) is False
    after = (await js.stream_info(STREAM)).config
    assert (after.num_replicas, after.subjects, after.duplicate_window) == (
        1, stream_config(1).subjects, before.duplicate_window)
