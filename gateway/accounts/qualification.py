"""A registrar registers only while their training assessment is current (rules.md §1.4: city-level
or higher training and assessment at least every 2 years; failing = no registering).

Plain rules, no I/O: the account's date of its last passed assessment (培训考核合格日期) and the
gateway's "today" decide. "Registering" is every call whose policy admits `marriage_registrar` and is
marked `registers` — a registration act, declared in the protos' `(civic.api.v1.policy)` options, never
a list of names here. The registrar's other work (bookings, counseling and its duty to report, the
archive's corrections, blanks in stock) stays open: the rule is "no registering", not "no work".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from servicekit.context import Caller
from servicekit.policy import MethodPolicy

from gateway.problems import Problem

REGISTRAR = "marriage_registrar"
VALID_YEARS = 2
WARN_DAYS = 60  # the registrar's home page warns this many days before the assessment lapses


def years_after(day: dt.date, years: int) -> dt.date:
    """The day ``years`` years after ``day``, as `servicekit.identifiers.age_on` counts years: from
    29 February the years are complete on 1 March of a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(day.year + years, 3, 1)


def qualified_until(assessed_on: dt.date) -> dt.date:
    """The last day a registrar assessed on ``assessed_on`` may register: D + 2 years."""
    return years_after(assessed_on, VALID_YEARS)


def is_qualified(assessed_on: dt.date | None, today: dt.date) -> bool:
    return assessed_on is not None and today <= qualified_until(assessed_on)


@dataclass(frozen=True)
class Standing:
    """A registrar's qualification on a day, as the home page and /v1/auth/me show it."""

    state: str  # CURRENT, LAPSING (within WARN_DAYS of the last day), LAPSED, UNRECORDED
    assessed_on: dt.date | None = None
    until: dt.date | None = None
    days_left: int | None = None  # days from today to the last qualified day (negative: lapsed)

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "assessedOn": self.assessed_on.isoformat() if self.assessed_on else None,
            "qualifiedUntil": self.until.isoformat() if self.until else None,
            "daysLeft": self.days_left,
        }


def standing(assessed_on: dt.date | None, today: dt.date) -> Standing:
    if assessed_on is None:
        return Standing("UNRECORDED")
    until = qualified_until(assessed_on)
    left = (until - today).days
    state = "LAPSED" if left < 0 else "LAPSING" if left <= WARN_DAYS else "CURRENT"
    return Standing(state, assessed_on, until, left)


def registers(policy: MethodPolicy) -> bool:
    """Whether a call under ``policy`` is a registrar's registration act (policy.proto `registers`)."""
    return REGISTRAR in policy.roles and policy.registers


def blocked(caller: Caller, policy: MethodPolicy, assessed_on: dt.date | None, today: dt.date) -> bool:
    """Whether ``caller`` may make the call only as a registrar and is not qualified today. Another of
    its roles (or scopes) that the policy admits lets it through: that role is not a registrar's."""
    if not registers(policy) or REGISTRAR not in caller.roles or is_qualified(assessed_on, today):
        return False
    others = replace(caller, roles=caller.roles - {REGISTRAR})
    return not policy.allows(others)


def signed_caller(caller: Caller, policy: MethodPolicy, assessed_on: dt.date | None, today: dt.date) -> Caller:
    """The caller a service is told of: without `marriage_registrar` on a registering call while not
    qualified, so the service refuses it too (other calls keep the role: they stay allowed)."""
    if REGISTRAR in caller.roles and registers(policy) and not is_qualified(assessed_on, today):
        return replace(caller, roles=caller.roles - {REGISTRAR})
    return caller


def not_qualified(assessed_on: dt.date | None) -> Problem:
    if assessed_on is None:
        detail = "未登记培训考核合格日期，请账号管理员登记"
    else:
        detail = (
            f"婚姻登记员培训考核已超过两年（最近一次合格：{assessed_on.isoformat()}），"
            "须经市级以上民政部门培训考核合格后方可办理登记"
        )
    return Problem(403, "REGISTRAR_NOT_QUALIFIED", detail)
