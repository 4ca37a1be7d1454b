"""补办结婚登记: the day a registered cohabitation's effect dates back to (rules.md §1.2;
domain.retroactive) — the later of the declared start, each party's marriage age in force, and the
day after a party's other marriage ended; never after the registration day."""
import datetime as dt

import pytest
from marriage.domain.parties import IdType, make_party
from marriage.domain.retroactive import EarlierMarriage, effective_from, of_age_from
from servicekit.errors import DomainError
from tests.marriage.unit.marriage_ids import resident_id

REGISTER = dt.date(2026, 6, 1)


def person(born: dt.date, sex: str, name: str):
    return make_party(IdType.RESIDENT_ID, resident_id(born, sex), name, "CHN")


MAN = person(dt.date(1990, 3, 15), "M", "张三")
WOMAN = person(dt.date(1993, 7, 9), "F", "李四")


def effect(since: dt.date, parties=(MAN, WOMAN), earlier=()) -> dt.date:
    found = effective_from(since, REGISTER, parties, earlier)
    assert found.since == since
    return found.effective


def test_both_of_age_when_they_moved_in_dates_back_to_that_day():
    assert effect(dt.date(2020, 5, 1)) == dt.date(2020, 5, 1)


def test_the_man_under_22_dates_back_to_his_22nd_birthday_not_a_day_earlier():
    # Moved in 2011: he turned 22 on 2012-03-15, she was 20 on 2013-07-09 — the later one counts.
    assert effect(dt.date(2011, 9, 1)) == dt.date(2013, 7, 9)
    young_woman = person(dt.date(1992, 1, 1), "F", "王五")
    assert effect(dt.date(2011, 9, 1), (MAN, young_woman)) == dt.date(2012, 3, 15)


def test_the_age_in_force_on_the_day_counts_20_and_18_before_1981():
    man = person(dt.date(1958, 6, 10), "M", "赵六")
    woman = person(dt.date(1961, 2, 3), "F", "钱七")
    # 1979: the 1950 law's 20 and 18 — she turned 18 on 1979-02-03, he was 20 since 1978.
    assert effect(dt.date(1978, 12, 1), (man, woman)) == dt.date(1979, 2, 3)
    # She turned 18 on 1980-12-01, still under the 1950 law: that day counts.
    assert effect(dt.date(1980, 6, 1), (man, person(dt.date(1962, 12, 1), "F", "孙八"))) == dt.date(1980, 12, 1)
    # She would have turned 18 on 1981-06-01, but the 1980 law (from 1981-01-01) wants 20 of her.
    assert effect(dt.date(1980, 6, 1), (man, person(dt.date(1963, 6, 1), "F", "孙八"))) == dt.date(1983, 6, 1)


def test_a_leap_day_birthday_reaches_its_age_on_1_march_of_a_common_year():
    leap = person(dt.date(2000, 2, 29), "M", "周九")
    assert of_age_from(leap, dt.date(2020, 1, 1)) == dt.date(2022, 3, 1)
    assert of_age_from(leap, dt.date(2023, 1, 1)) == dt.date(2023, 1, 1)


def test_a_party_married_to_someone_else_meanwhile_was_free_the_day_after_it_ended():
    divorced = EarlierMarriage(MAN.key, dt.date(2021, 4, 30))
    assert effect(dt.date(2020, 5, 1), earlier=[divorced]) == dt.date(2021, 5, 1)
    # A marriage ended before they moved in does not move the day; one of someone else neither.
    assert effect(dt.date(2021, 6, 1), earlier=[divorced]) == dt.date(2021, 6, 1)
    stranger = EarlierMarriage(person(dt.date(1980, 1, 1), "M", "吴十").key, dt.date(2022, 1, 1))
    assert effect(dt.date(2020, 5, 1), earlier=[stranger]) == dt.date(2020, 5, 1)


def test_the_day_is_never_after_the_registration():
    ended_today = EarlierMarriage(WOMAN.key, REGISTER)
    assert effect(dt.date(2020, 5, 1), earlier=[ended_today]) == REGISTER


@pytest.mark.parametrize("since, words", [
    (REGISTER + dt.timedelta(days=1), "晚于登记日期"),
    (dt.date(1993, 7, 8), "早于当事人（李四）的出生日期"),
])
def test_an_impossible_start_is_refused(since, words):
    with pytest.raises(DomainError) as caught:
        effective_from(since, REGISTER, (MAN, WOMAN), ())
    assert caught.value.reason == "COHABITATION_DATE_INVALID"
    assert [v.field for v in caught.value.violations] == ["cohabitation_start_date"]
    assert words in caught.value.message
