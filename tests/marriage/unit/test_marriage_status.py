import datetime as dt

from marriage.domain.marriages import MarriageState
from marriage.domain.status import MaritalStatus, PersonRecord, marital_status

D = dt.date


def test_no_records_is_unmarried():
    assert marital_status([]) is MaritalStatus.UNMARRIED


def test_current_registration_is_married():
    current = PersonRecord(MarriageState.REGISTERED, D(2015, 1, 1), None)
    assert marital_status([current]) is MaritalStatus.MARRIED


def test_divorced_then_nothing_is_divorced():
    divorced = PersonRecord(MarriageState.DIVORCED, D(2015, 1, 1), D(2020, 1, 1))
    assert marital_status([divorced]) is MaritalStatus.DIVORCED


def test_spouse_died_is_widowed_but_the_deceased_died_married():
    assert marital_status([PersonRecord(MarriageState.ENDED_BY_DEATH, D(2015, 1, 1), D(2020, 1, 1))]) \
        is MaritalStatus.WIDOWED
    assert marital_status([PersonRecord(MarriageState.ENDED_BY_DEATH, D(2015, 1, 1), D(2020, 1, 1), True)]) \
        is MaritalStatus.MARRIED


def test_latest_record_wins_even_when_given_out_of_order():
    records = [
        PersonRecord(MarriageState.ENDED_BY_DEATH, D(2016, 1, 1), D(2021, 1, 1)),
        PersonRecord(MarriageState.DIVORCED, D(2005, 1, 1), D(2010, 1, 1)),
    ]
    assert marital_status(records) is MaritalStatus.WIDOWED
    assert marital_status([*records, PersonRecord(MarriageState.REGISTERED, D(2023, 1, 1), None)]) \
        is MaritalStatus.MARRIED


def test_remarriage_on_the_day_of_the_divorce_is_married():
    records = [
        PersonRecord(MarriageState.REGISTERED, D(2020, 6, 1), None),
        PersonRecord(MarriageState.DIVORCED, D(2010, 1, 1), D(2020, 6, 1)),
    ]
    assert marital_status(records) is MaritalStatus.MARRIED


def test_revoked_registration_is_ignored():
    records = [
        PersonRecord(MarriageState.DIVORCED, D(2005, 1, 1), D(2010, 1, 1)),
        PersonRecord(MarriageState.REVOKED, D(2018, 1, 1), D(2019, 1, 1)),
    ]
    assert marital_status(records) is MaritalStatus.DIVORCED
    assert marital_status(records[1:]) is MaritalStatus.UNMARRIED
