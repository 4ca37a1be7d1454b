"""补办结婚登记 (rules.md §1.2): a couple who have lived together as spouses without registering
register now (民法典 1049), and the marriage's effect dates back to the day both met the
substantive requirements of marriage (婚姻家庭编解释一 Art 6) — never before the cohabitation
they declare began.

The registry can tell two of those requirements for the past: the legal age in force on each day,
and whether either party was married in the registry then. The others (free will, no prohibited
kinship) do not change with time and are declared at registration as always. The date is what the
record shows; in a dispute the court decides.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from servicekit.errors import invalid
from servicekit.identifiers import age_on

from marriage.domain.eligibility import LEGAL_AGES
from marriage.domain.parties import Party

FIELD = "cohabitation_start_date"


@dataclass(frozen=True)
class Cohabitation:
    """What a 补办 registration keeps: the declared start and the day the effect dates back to."""

    since: dt.date
    effective: dt.date


@dataclass(frozen=True)
class EarlierMarriage:
    """A party's other marriage on record (registered before this registration, as every record
    read is), as far as it bears on the effect: ended on ``ended`` (None: not ended). Void and
    revoked records are not marriages (民法典 1054: void from the start) and are not passed in."""

    party_key: str
    ended: dt.date | None


def _first_day_of_age(birth: dt.date, years: int, not_before: dt.date) -> dt.date:
    """The first day from ``not_before`` on when someone born on ``birth`` is ``years`` full years old."""
    if years == 0 or age_on(birth, not_before) >= years:
        return not_before
    day = dt.date(birth.year + years, birth.month, 28) + dt.timedelta(days=birth.day - 28)
    while age_on(birth, day) < years:  # 29 February: a common year's 1 March (age_on)
        day += dt.timedelta(days=1)
    return day


def of_age_from(party: Party, since: dt.date) -> dt.date:
    """The first day from ``since`` on when the party had the marriage age in force that day:
    ages changed on 1981-01-01 (20/18 → 22/20), and before 1950-05-01 there was none."""
    regimes = sorted(LEGAL_AGES)  # oldest first: (from, man, woman)
    bounds = [dt.date.min, *(start for start, _, _ in regimes)]
    ages = [0, *((man if party.sex == "M" else woman) for _, man, woman in regimes)]
    ends = [*bounds[1:], dt.date.max]
    for start, end, years in zip(bounds, ends, ages):
        if end <= since:
            continue
        day = _first_day_of_age(party.birth_date, years, max(since, start))
        if day < end:
            return day
    raise AssertionError("every party reaches the age in force eventually")


def effective_from(since: dt.date, register_date: dt.date, parties: Sequence[Party],
                   earlier: Iterable[EarlierMarriage]) -> Cohabitation:
    """The effect's first day for a couple registering on ``register_date`` who declare living
    together since ``since``; refused when ``since`` is impossible. The parties are eligible on
    ``register_date`` (checked as for any registration), so the day is never after it.

    A party married to someone else while living together (a marriage on record that had not ended
    by ``since``) was free from the day after it ended."""
    if since > register_date:
        raise invalid("COHABITATION_DATE_INVALID", "同居起始日期不能晚于登记日期", FIELD)
    for party in parties:
        if since < party.birth_date:
            raise invalid("COHABITATION_DATE_INVALID", f"同居起始日期早于当事人（{party.name}）的出生日期", FIELD)
    day = max(of_age_from(party, since) for party in parties)
    keys = {party.key for party in parties}
    for other in earlier:
        if other.party_key in keys and (other.ended is None or other.ended >= since):
            freed = other.ended + dt.timedelta(days=1) if other.ended else register_date
            day = max(day, freed)
    return Cohabitation(since, min(day, register_date))
