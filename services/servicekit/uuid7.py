"""UUIDv7 (RFC 9562): time-ordered ids, so outbox rows and events sort by creation."""
from __future__ import annotations

import os
import struct
import threading
import time
import uuid
from collections import deque

_lock = threading.Lock()
_last_ms = 0
_counter = 0

# The 62 random bits of each id come from os.urandom in blocks (one system call per _BLOCK ids,
# not one per id: a historical import makes a million). deque.popleft is atomic, so no two callers
# get the same value; a forked child drops what it inherited so parent and child never share one.
_BLOCK = 256
_UNPACK = struct.Struct(f">{_BLOCK}Q").unpack
_RAND_B = (1 << 62) - 1
_random: deque[int] = deque()
os.register_at_fork(after_in_child=_random.clear)

_new_uuid = object.__new__
_set = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown


def _random_tail() -> int:
    try:
        return _random.popleft()
    except IndexError:
        _random.extend(_UNPACK(os.urandom(8 * _BLOCK)))
        return _random.popleft()


def uuid7() -> uuid.UUID:
    """A UUIDv7 that is strictly increasing within this process (12-bit counter in rand_a)."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms += 1
                _counter = 0
            ms = _last_ms
        else:
            _last_ms, _counter = ms, 0
        counter = _counter
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | (_random_tail() & _RAND_B)
    # What uuid.UUID(int=value) does, without its argument checks: the value is 128 bits by make.
    made = _new_uuid(uuid.UUID)
    _set(made, "int", value)
    _set(made, "is_safe", _UNKNOWN)
    return made
