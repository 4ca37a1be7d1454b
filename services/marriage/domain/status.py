"""A person's marital status from their marriage records (GetMaritalStatus)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from marriage.domain.marriages import NOT_A_MARRIAGE, MarriageState


class MaritalStatus(StrEnum):
    UNMARRIED = "UNMARRIED"
    MARRIED = "MARRIED"
    DIVORCED = "DIVORCED"
    WIDOWED = "WIDOWED"


@dataclass(frozen=True)
class PersonRecord:
    """One marriage record as seen by one of its parties."""

    state: MarriageState
    register_date: dt.date
    end_date: dt.date | None
    person_is_deceased: bool = False


def _last_change(record: PersonRecord) -> tuple[dt.date, dt.date]:
    """When the record last changed; on the same day a later registration (remarriage) wins."""
    return record.end_date or record.register_date, record.register_date


def marital_status(records: Iterable[PersonRecord]) -> MaritalStatus:
    """The status the latest record gives; revoked registrations and marriages a court declared void
    or annulled never existed in law (民法典 1054): the status is as if they had not been registered."""
    relevant = [record for record in records if record.state not in NOT_A_MARRIAGE]
    if not relevant:
        return MaritalStatus.UNMARRIED
    latest = max(relevant, key=_last_change)
    if latest.state is MarriageState.DIVORCED:
        return MaritalStatus.DIVORCED
    if latest.state is MarriageState.ENDED_BY_DEATH and not latest.person_is_deceased:
        return MaritalStatus.WIDOWED
    # Still registered, or the person is the one who died: they died married.
    return MaritalStatus.MARRIED
