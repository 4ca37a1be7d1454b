import datetime as dt

import pytest
from marriage.domain.eligibility import Declarations, check_marriage, legal_age_at
from servicekit.errors import DomainError, ErrorKind

DAY = dt.date(2024, 6, 3)
BOTH = Declarations(no_spouse=True, no_prohibited_kinship=True)


def refusal(parties, declarations=BOTH, married=frozenset()):
    with pytest.raises(DomainError) as caught:
        check_marriage(parties, declarations, DAY, married)
    return caught.value


@pytest.fixture
def couple(person):
    return person(dt.date(1995, 1, 1), "M", "张三"), person(dt.date(1997, 1, 1), "F", "李四")


def test_eligible_couple_passes(couple):
    check_marriage(couple, BOTH, DAY, set())


def test_man_22_years_on_the_day_may_marry(person):
    check_marriage((person(dt.date(2002, 6, 3), "M"), person(dt.date(1997, 1, 1), "F")), BOTH, DAY, set())


def test_man_21_years_364_days_is_under_age(person):
    error = refusal((person(dt.date(1997, 1, 1), "F"), person(dt.date(2002, 6, 4), "M")))
    assert (error.reason, error.kind) == ("UNDER_LEGAL_AGE", ErrorKind.FAILED_PRECONDITION)
    assert error.metadata == {"party": "1", "sex": "M", "minimum_age": "22"}


def test_woman_20_years_on_the_day_may_marry(person):
    check_marriage((person(dt.date(1995, 1, 1), "M"), person(dt.date(2004, 6, 3), "F")), BOTH, DAY, set())


def test_woman_19_years_364_days_is_under_age(person):
    error = refusal((person(dt.date(1995, 1, 1), "M"), person(dt.date(2004, 6, 4), "F")))
    assert error.reason == "UNDER_LEGAL_AGE"
    assert error.metadata == {"party": "1", "sex": "F", "minimum_age": "20"}


def test_leap_day_birthday_completes_the_year_on_1_march(person):
    man = person(dt.date(2002, 2, 28), "M")
    woman = person(dt.date(2004, 2, 29), "F")
    check_marriage((man, woman), BOTH, dt.date(2024, 2, 29), set())
    with pytest.raises(DomainError):
        check_marriage((man, person(dt.date(2004, 2, 29), "F")), BOTH, dt.date(2024, 2, 28), set())


@pytest.mark.parametrize("declarations", [
    Declarations(no_spouse=False, no_prohibited_kinship=True),
    Declarations(no_spouse=True, no_prohibited_kinship=False),
])
def test_missing_declaration_is_refused_first(person, declarations):
    same = person(dt.date(2010, 1, 1), "M")
    error = refusal((same, same), declarations, {same.key})
    assert (error.reason, error.kind) == ("DECLARATION_MISSING", ErrorKind.INVALID_ARGUMENT)


def test_same_person_twice_is_refused_before_sex_and_age(person):
    young = person(dt.date(2010, 1, 1), "M")
    assert refusal((young, young), married={young.key}).reason == "SAME_PERSON"


def test_two_men_are_refused_before_age(person):
    parties = (person(dt.date(1995, 1, 1), "M", sequence="01"),
               person(dt.date(2010, 1, 1), "M", sequence="02"))
    assert refusal(parties).reason == "PARTIES_NOT_MALE_AND_FEMALE"


def test_under_age_is_refused_before_already_married(person):
    man, woman = person(dt.date(1995, 1, 1), "M"), person(dt.date(2010, 1, 1), "F")
    assert refusal((man, woman), married={man.key}).reason == "UNDER_LEGAL_AGE"


def test_party_already_married_is_refused_and_named(couple):
    error = refusal(couple, married={couple[1].key})
    assert (error.reason, error.metadata) == ("PARTY_ALREADY_MARRIED", {"party": "1"})


def test_exactly_two_parties_are_required(couple):
    assert refusal(couple[:1]).reason == "TWO_PARTIES_REQUIRED"


@pytest.mark.parametrize(("day", "man", "woman"), [
    (dt.date(1950, 4, 30), None, None),
    (dt.date(1950, 5, 1), 20, 18),
    (dt.date(1980, 12, 31), 20, 18),
    (dt.date(1981, 1, 1), 22, 20),
    (dt.date(2024, 6, 3), 22, 20),
])
def test_legal_age_in_force_over_time(day, man, woman):
    assert (legal_age_at(day, "M"), legal_age_at(day, "F")) == (man, woman)
