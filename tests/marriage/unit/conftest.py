"""Builders shared by the marriage domain unit tests."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from servicekit.identifiers import resident_id_check_digit

from marriage.domain.calendar import WorkCalendar, bundled_calendar
from marriage.domain.parties import IdType, Party, make_party

IdMaker = Callable[..., str]
PartyMaker = Callable[..., Party]


def resident_id(birth: dt.date, sex: str, address: str = "421281", sequence: str = "01") -> str:
    """A valid 18-character resident ID: the 17th digit's parity gives the sex."""
    first17 = f"{address}{birth:%Y%m%d}{sequence}{1 if sex == 'M' else 2}"
    return first17 + resident_id_check_digit(first17)


@pytest.fixture
def make_id() -> IdMaker:
    return resident_id


@pytest.fixture
def person() -> PartyMaker:
    def build(birth: dt.date, sex: str, name: str = "张三", sequence: str = "01") -> Party:
        return make_party(IdType.RESIDENT_ID, resident_id(birth, sex, sequence=sequence), name, "CHN")
    return build


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return bundled_calendar()
