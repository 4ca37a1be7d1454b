"""Resident ID, credit code and division code rules (rules.md §0, §3.3) with plain values."""
from __future__ import annotations

import datetime as dt

import pytest

from servicekit.errors import DomainError, ErrorKind
from servicekit.identifiers import (
    ResidentId,
    age_on,
    division_level,
    parent_code,
    parse_resident_id,
    resident_id_check_digit,
    upgrade_15_digit,
    uscc_kind,
    validate_division_code,
    validate_uscc,
)

TODAY = dt.date(2025, 6, 1)
VECTOR = "11010519491231002X"  # GB 11643 test vector: female, born 1949-12-31
MALE = "420102199003071232"  # sequence 123: odd → male


def _reject(raw: str, **kwargs: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        parse_resident_id(raw, today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert caught.value.reason == "INVALID_ID_NUMBER"
    assert caught.value.kind is ErrorKind.INVALID_ARGUMENT
    return caught.value


# ---------------------------------------------------------------- resident ID


def test_test_vector_is_valid_and_decoded() -> None:
    rid = parse_resident_id(VECTOR, today=TODAY)
    assert rid == ResidentId(VECTOR, dt.date(1949, 12, 31), "F", "110105", False)


def test_check_digit_function_matches_vector() -> None:
    assert resident_id_check_digit(VECTOR[:17]) == "X"
    assert resident_id_check_digit(MALE[:17]) == "2"


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310A0", "110105194912310020"])
def test_check_digit_function_refuses_non_17_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        resident_id_check_digit(bad)


def test_male_from_odd_17th_digit() -> None:
    rid = parse_resident_id(MALE, today=TODAY)
    assert rid.sex == "M"
    assert rid.birth_date == dt.date(1990, 3, 7)


@pytest.mark.parametrize(
    "typed",
    ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２ｘ", "110105\t19491231002X\n"],
)
def test_lowercase_spaces_and_full_width_are_canonicalized(typed: str) -> None:
    assert parse_resident_id(typed, today=TODAY).number == VECTOR


def test_every_single_character_corruption_is_detected() -> None:
    for valid in (VECTOR, MALE):
        for pos, original in enumerate(valid):
            alphabet = "0123456789X" if pos == 17 else "0123456789"
            for replacement in alphabet:
                if replacement == original:
                    continue
                corrupted = valid[:pos] + replacement + valid[pos + 1 :]
                with pytest.raises(DomainError):
                    parse_resident_id(corrupted, today=TODAY)


def test_wrong_check_digit_says_so() -> None:
    err = _reject("420102199003071234")
    assert "校验位" in err.message
    assert err.violations[0].field == "id_number"


def test_field_name_is_reported() -> None:
    err = _reject("420102199003071234", field_name="spouse_id_number")
    assert [v.field for v in err.violations] == ["spouse_id_number"]


@pytest.mark.parametrize("raw", ["", "4201021990030712", "42010219900307123", "4201021990030712321"])
def test_wrong_length_names_the_length(raw: str) -> None:
    assert "长度" in _reject(raw).message


@pytest.mark.parametrize("raw", ["4201021990O3071232", "X20102199003071232", "42010219900307123Y"])
def test_wrong_characters_refused(raw: str) -> None:
    assert "数字" in _reject(raw).message


def test_fifteen_digits_must_be_digits() -> None:
    assert "数字" in _reject("11010549123100X").message


def test_impossible_birth_date_refused_even_with_correct_check_digit() -> None:
    for first17 in ("42128119990230001", "42010219900230001", "42010219901301001", "42010219900100001"):
        assert "出生日期" in _reject(first17 + resident_id_check_digit(first17)).message


def test_february_29_only_in_leap_years() -> None:
    assert parse_resident_id("420102199202290016", today=TODAY).birth_date == dt.date(1992, 2, 29)
    first17 = "42010219930229001"
    assert "出生日期" in _reject(first17 + resident_id_check_digit(first17)).message


def test_future_birth_date_refused_relative_to_today() -> None:
    number = "420102202406100020"  # born 2024-06-10
    with pytest.raises(DomainError) as caught:
        parse_resident_id(number, today=dt.date(2024, 6, 9))
    assert "出生日期" in caught.value.message
    assert "晚于今天" in caught.value.message
    assert parse_resident_id(number, today=dt.date(2024, 6, 10)).birth_date == dt.date(2024, 6, 10)


def test_default_today_accepts_past_birth() -> None:
    assert parse_resident_id(VECTOR).birth_date.year == 1949


def test_implausibly_old_birth_year_refused() -> None:
    first17 = "42010217990101001"
    assert "出生日期" in _reject(first17 + resident_id_check_digit(first17)).message


def test_fifteen_digit_upgrade() -> None:
    assert upgrade_15_digit("110105491231002") == VECTOR
    rid = parse_resident_id("110105491231002", today=TODAY)
    assert rid.number == VECTOR
    assert rid.upgraded_from_15 is True
    assert rid.birth_date == dt.date(1949, 12, 31)
    assert rid.sex == "F"


def test_fifteen_digit_sex_and_date_checked() -> None:
    assert parse_resident_id("420102900307123", today=TODAY).sex == "M"
    assert "出生日期" in _reject("420102900230123").message


@pytest.mark.parametrize("bad", ["11010549123100", "1101054912310021", "11010549123100a"])
def test_upgrade_refuses_non_15_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        upgrade_15_digit(bad)


# ---------------------------------------------------------------- age


def test_age_in_full_years() -> None:
    born = dt.date(1990, 3, 7)
    assert age_on(born, dt.date(2012, 3, 6)) == 21
    assert age_on(born, dt.date(2012, 3, 7)) == 22
    assert age_on(born, born) == 0


def test_feb_29_birthday_turns_older_on_march_1_in_common_years() -> None:
    born = dt.date(2000, 2, 29)
    assert age_on(born, dt.date(2022, 2, 28)) == 21
    assert age_on(born, dt.date(2022, 3, 1)) == 22
    assert age_on(born, dt.date(2024, 2, 28)) == 23
    assert age_on(born, dt.date(2024, 2, 29)) == 24


def test_age_before_birth_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        age_on(dt.date(2000, 1, 2), dt.date(2000, 1, 1))


# ---------------------------------------------------------------- unified social credit code

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _with_checks(first16: str) -> str:
    """Independent reference of GB 32100 / GB 11714 checks, to build codes for the tests."""
    org_total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first16[8:], [3, 7, 9, 10, 5, 8, 4, 2])
    )
    org_check = {10: "X", 11: "0"}.get(11 - org_total % 11, str(11 - org_total % 11))
    first17 = first16 + org_check
    total = sum(USCC_ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(first17))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_uscc_vectors_pass(code: str) -> None:
    assert validate_uscc(code) == code
    assert _with_checks(code[:16]) == code


def test_uscc_is_canonicalized() -> None:
    assert validate_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_uscc_every_single_character_corruption_is_detected() -> None:
    valid = "91350100M000100Y43"
    for pos, original in enumerate(valid):
        for replacement in USCC_ALPHABET:
            if replacement != original:
                with pytest.raises(DomainError):
                    validate_uscc(valid[:pos] + replacement + valid[pos + 1 :])


def test_uscc_wrong_final_check() -> None:
    with pytest.raises(DomainError) as caught:
        validate_uscc("91350100M000100Y44", field_name="org_code")
    assert caught.value.reason == "INVALID_CREDIT_CODE"
    assert "第18位" in caught.value.message
    assert caught.value.violations[0].field == "org_code"


def test_uscc_wrong_organization_code_check_even_if_final_check_fits() -> None:
    bad17 = "91350100M000100Y5"
    total = sum(USCC_ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(bad17))
    code = bad17 + USCC_ALPHABET[(31 - total % 31) % 31]
    with pytest.raises(DomainError) as caught:
        validate_uscc(code)
    assert "第17位" in caught.value.message


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", ""])
def test_uscc_wrong_length(code: str) -> None:
    with pytest.raises(DomainError) as caught:
        validate_uscc(code)
    assert "长度" in caught.value.message


@pytest.mark.parametrize("letter", "IOZSV")
def test_uscc_letters_outside_alphabet(letter: str) -> None:
    with pytest.raises(DomainError) as caught:
        validate_uscc("91350100M000100Y4" + letter, allow_pilot_override=True)
    assert letter in caught.value.message


def test_uscc_registrar_must_be_a_division_code() -> None:
    for registrar in ("990000", "350071", "00AB00"):
        with pytest.raises(DomainError) as caught:
            validate_uscc(_with_checks("51" + registrar + "MJ000000"))
        assert "第3–8位" in caught.value.message


def test_uscc_national_registrar_accepted() -> None:
    code = _with_checks("53100000500021676"[:16])
    assert validate_uscc(code) == code


def test_pilot_override_accepts_failed_checks_only() -> None:
    assert validate_uscc("91350100M000100Y44", allow_pilot_override=True) == "91350100M000100Y44"
    assert validate_uscc("91350100M000100143", allow_pilot_override=True) == "91350100M000100143"
    with pytest.raises(DomainError):
        validate_uscc("91350100M000100Y4", allow_pilot_override=True)
    with pytest.raises(DomainError):
        validate_uscc("91350100M00010OY43", allow_pilot_override=True)


def test_uscc_kind() -> None:
    assert uscc_kind("51421281MJ0000000X") == "social_association"
    assert uscc_kind("52421281MJ0000000X") == "social_service_org"
    assert uscc_kind("53421281MJ0000000X") == "foundation"
    assert uscc_kind("59421281MJ0000000X") == "other_civil_affairs"
    assert uscc_kind("91350100M000100Y43") is None
    assert uscc_kind("") is None


# ---------------------------------------------------------------- division codes


@pytest.mark.parametrize(
    ("raw", "canonical", "level", "parent"),
    [
        ("420000", "420000", "province", None),
        ("421200", "421200", "prefecture", "420000"),
        ("421281", "421281", "county", "421200"),
        ("421281001", "421281001000", "township", "421281"),
        ("421281001001", "421281001001", "village", "421281001000"),
        ("429004", "429004", "county", "420000"),
        ("110101", "110101", "county", "110100"),
        ("421281000000", "421281", "county", "421200"),
        ("420000000000", "420000", "province", None),
        ("441900003000", "441900003000", "township", "441900"),
        (" 421281 001 ", "421281001000", "township", "421281"),
    ],
)
def test_division_codes(raw: str, canonical: str, level: str, parent: str | None) -> None:
    assert validate_division_code(raw) == canonical
    assert division_level(raw) == level
    assert parent_code(raw) == parent


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("42128a", "数字"),
        ("42128", "长度"),
        ("4212810", "长度"),
        ("4212810010", "长度"),
        ("001281", "省级"),
        ("101281", "省级"),
        ("831281", "省级"),
        ("990000", "省级"),
        ("420081", "县级"),
        ("427100", "地级"),
        ("429000", "省直辖"),
        ("420100001000", "不是县级"),
        ("420000001001", "不是县级"),
        ("421281000001", "000"),
        ("421281000", "000"),
    ],
)
def test_bad_division_codes(raw: str, hint: str) -> None:
    with pytest.raises(DomainError) as caught:
        validate_division_code(raw, field_name="division_code")
    assert caught.value.reason == "INVALID_DIVISION_CODE"
    assert hint in caught.value.message
    assert caught.value.violations[0].field == "division_code"


def test_full_width_division_code_is_folded() -> None:
    assert validate_division_code("４２１２８１") == "421281"


def test_level_and_parent_refuse_bad_codes() -> None:
    with pytest.raises(DomainError):
        division_level("420100001000")
    with pytest.raises(DomainError):
        parent_code("42")
