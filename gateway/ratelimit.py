"""A simple in-memory rate limit (token bucket per client address and bucket), for sign-in and bulk
routes. Per replica: with N replicas a client gets up to N times the rate, which is enough to
blunt password guessing (the lock-out is per account and shared) and runaway bulk loads."""

from __future__ import annotations

import math
import time

from starlette.requests import Request

from gateway.problems import Problem

MAX_KEYS = 50_000


def client_address(request: Request) -> str:
    """The peer address (uvicorn replaces it from X-Forwarded-For only for trusted proxies)."""
    return request.client.host if request.client else "unknown"


class RateLimiter:
    def __init__(self, per_minute: dict[str, int]) -> None:
        self._rates = {bucket: n / 60.0 for bucket, n in per_minute.items()}
        self._burst = dict(per_minute)
        self._state: dict[tuple[str, str], tuple[float, float]] = {}  # → (tokens, last refill)

    def check(self, bucket: str, key: str) -> None:
        """Take one token, or raise a 429 problem saying when to come back."""
        rate, burst = self._rates[bucket], self._burst[bucket]
        now = time.monotonic()
        tokens, last = self._state.get((bucket, key), (float(burst), now))
        tokens = min(float(burst), tokens + (now - last) * rate)
        if tokens < 1.0:
            retry = str(max(1, math.ceil((1.0 - tokens) / rate)))
            raise Problem(
                429, "RATE_LIMITED", f"请求过于频繁，请 {retry} 秒后重试", headers={"Retry-After": retry}
            )
        if len(self._state) >= MAX_KEYS:
            self._state.clear()
        self._state[(bucket, key)] = (tokens - 1.0, now)
