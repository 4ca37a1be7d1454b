"""Tokens already verified, remembered by their exact text until they expire.

A bearer or caller token is presented again and again for most of its life; checking its
signature and claims again would give the same answer and costs more than the rest of a small
call's checks (JWT parsing, base64, Ed25519). Only what passed is remembered, and only until its
expiry: after that the token is checked afresh, and refused by the check itself.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class VerifiedTokens(Generic[T]):
    def __init__(self, clock: Callable[[], float] = time.time, kept: int = 4096) -> None:
        self._clock = clock
        self._kept = kept
        self._known: dict[str, tuple[T, float]] = {}

    def verify(self, token: str, check: Callable[[str], tuple[T, float]]) -> T:
        """``check(token)`` → (what the token speaks for, when it stops being valid), unless the
        token passed it before and is still valid; ``check`` raises for a token it refuses."""
        known = self._known.get(token)
        if known is not None and self._clock() < known[1]:
            return known[0]
        value, expires = check(token)
        if len(self._known) >= self._kept:
            self._known.clear()
        self._known[token] = (value, expires)
        return value
