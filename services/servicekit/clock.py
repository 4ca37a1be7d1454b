"""Injectable clock: time-dependent rules read the time from here, so tests can move it."""
from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

# The bureau works on Beijing time: "today" and every statutory period are counted in it.
BUREAU_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def today(self) -> dt.date: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def today(self) -> dt.date:
        return self.now().astimezone(BUREAU_TZ).date()


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.timezone.utc)

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return self._now.astimezone(BUREAU_TZ).date()

    def set(self, when: dt.datetime | dt.date) -> None:
        if isinstance(when, dt.datetime):
            self._now = when if when.tzinfo else when.replace(tzinfo=BUREAU_TZ)
        else:
            self._now = dt.datetime.combine(when, dt.time(10, 0), BUREAU_TZ)

    def advance(self, **delta: float) -> None:
        self._now += dt.timedelta(**delta)
