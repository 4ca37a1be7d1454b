"""VerifiedTokens: a token that passed its check is not checked again until it expires; a refused
token is never remembered."""
from __future__ import annotations

import pytest

from servicekit.verified import VerifiedTokens


class Checker:
    def __init__(self, expires: float) -> None:
        self.expires = expires
        self.calls = 0

    def __call__(self, token: str) -> tuple[str, float]:
        self.calls += 1
        if token.startswith("bad"):
            raise ValueError("refused")
        return f"who:{token}", self.expires


def test_checked_once_until_expiry_then_again():
    now = [100.0]
    tokens: VerifiedTokens[str] = VerifiedTokens(clock=lambda: now[0])
    check = Checker(expires=110.0)
    assert [tokens.verify("t", check) for _ in range(3)] == ["who:t"] * 3
    assert check.calls == 1
    now[0] = 110.0
    assert tokens.verify("t", check) == "who:t"
    assert check.calls == 2  # past expiry the check decides again


def test_refused_tokens_are_not_remembered():
    tokens: VerifiedTokens[str] = VerifiedTokens(clock=lambda: 0.0)
    check = Checker(expires=10.0)
    for _ in range(2):
        with pytest.raises(ValueError):
            tokens.verify("bad", check)
    assert check.calls == 2


def test_bounded():
    tokens: VerifiedTokens[str] = VerifiedTokens(clock=lambda: 0.0, kept=2)
    check = Checker(expires=10.0)
    for t in ("a", "b", "c", "a"):
        tokens.verify(t, check)
    assert check.calls == 4  # "a" was forgotten when the third token arrived
