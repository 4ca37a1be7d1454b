"""UUIDv7 (RFC 9562): version and variant bits, time prefix, strictly increasing in a process."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from servicekit import uuid7 as uuid7_module
from servicekit.uuid7 import uuid7


def test_version_and_variant_bits() -> None:
    for _ in range(100):
        u = uuid7()
        assert u.version == 7
        assert u.variant == uuid.RFC_4122
        assert (u.int >> 76) & 0xF == 0x7 and (u.int >> 62) & 0b11 == 0b10


def test_time_prefix_is_unix_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    u = uuid7()
    after = time.time_ns() // 1_000_000
    assert before <= u.int >> 80 <= after + 1


def test_strictly_increasing_in_a_tight_loop() -> None:
    ids = [uuid7() for _ in range(20_000)]
    assert all(a < b for a, b in zip(ids, ids[1:]))
    assert all(str(a) < str(b) for a, b in zip(ids, ids[1:]))  # text order too (outbox ORDER BY id)
    assert len(set(ids)) == len(ids)


def test_increasing_when_the_clock_stands_still_past_the_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen = (time.time_ns() // 1_000_000 + 10_000) * 1_000_000
    monkeypatch.setattr(uuid7_module.time, "time_ns", lambda: frozen)
    ids = [uuid7() for _ in range(0x1000 * 2 + 10)]  # more than the 12-bit counter holds
    assert all(a < b for a, b in zip(ids, ids[1:]))
    assert all(u.version == 7 for u in ids)


def test_increasing_when_the_clock_goes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    first = uuid7()
    monkeypatch.setattr(uuid7_module.time, "time_ns", lambda: (first.int >> 80) * 1_000_000 - 5_000_000_000)
    later = [uuid7() for _ in range(10)]
    assert all(first < u for u in later) and all(a < b for a, b in zip(later, later[1:]))


def test_increasing_across_threads() -> None:
    out: list[list[uuid.UUID]] = [[] for _ in range(4)]

    def work(i: int) -> None:
        out[i].extend(uuid7() for _ in range(3000))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [u for chunk in out for u in chunk]
    assert len(set(every)) == len(every)
    assert all(all(a < b for a, b in zip(chunk, chunk[1:])) for chunk in out)
