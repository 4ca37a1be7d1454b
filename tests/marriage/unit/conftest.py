"""Builders shared by the marriage domain unit tests."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from marriage.domain.calendar import WorkCalendar, bundled_calendar
from marriage.domain.parties import IdType, Party, make_party
from tests.marriage.unit.marriage_ids import resident_id

PartyMaker = Callable[..., Party]


@pytest.fixture
def person() -> PartyMaker:
    def build(birth: dt.date, sex: str, name: str = "张三", sequence: str = "01") -> Party:
        return make_party(IdType.RESIDENT_ID, resident_id(birth, sex, sequence=sequence), name, "CHN")
    return build


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return bundled_calendar()
