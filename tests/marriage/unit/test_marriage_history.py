import dataclasses
import datetime as dt

import pytest
from marriage.domain.history import ArchiveRow, Defect, DuplicateTracker, parse_archive_date, validate_row
from tests.marriage.unit.marriage_ids import resident_id
from servicekit.identifiers import resident_id_check_digit

D = dt.date
TODAY = D(2024, 6, 3)
MAN = resident_id(D(1960, 3, 15), "M")
WOMAN = resident_id(D(1962, 8, 1), "F")
OTHER_WOMAN = resident_id(D(1963, 9, 9), "F")


def row(**changes) -> ArchiveRow:
    clean = ArchiveRow(certificate_number="鄂赤婚字第85-0123号", register_date="1985-06-01", kind="marriage",
                       man_id=MAN, man_name="张三", woman_id=WOMAN, woman_name="李四", office_code="421281")
    return dataclasses.replace(clean, **changes)


def codes(defects: list[Defect]) -> list[tuple[str, str]]:
    return [(defect.code, defect.field) for defect in defects]


def test_clean_row_reports_nothing():
    assert validate_row(row(), TODAY) == []


def test_clean_rows_report_nothing_across_rows():
    tracker = DuplicateTracker()
    assert tracker.observe(1, row()) == []
    divorce = row(certificate_number="离-90-7", kind="divorce", register_date="1990-01-01")
    assert tracker.observe(2, divorce) == []
    assert list(tracker.finish()) == []


def test_fifteen_digit_id_is_noted_as_upgraded():
    defects = validate_row(row(man_id="421281600315013"), TODAY)
    assert codes(defects) == [("ID_UPGRADED_15", "man_id")]
    assert defects[0].informational


def test_bad_check_digit():
    wrong = WOMAN[:17] + ("0" if WOMAN[17] != "0" else "1")
    defects = validate_row(row(woman_id=wrong), TODAY)
    assert codes(defects) == [("BAD_CHECK_DIGIT", "woman_id")]
    assert not defects[0].informational


@pytest.mark.parametrize("text", ["1985-02-30", "1985-13-01", "二〇〇一年", "2093-05-01"])
def test_impossible_register_date(text):
    assert codes(validate_row(row(register_date=text), TODAY)) == [("IMPOSSIBLE_DATE", "register_date")]


def test_impossible_birth_date_in_the_id():
    first17 = "42128119600230" + "011"
    assert codes(validate_row(row(man_id=first17 + resident_id_check_digit(first17)), TODAY)) == [
        ("IMPOSSIBLE_DATE", "man_id")]


def test_born_after_the_registration_is_impossible():
    late = resident_id(D(1986, 1, 1), "F")
    assert codes(validate_row(row(woman_id=late), TODAY)) == [("IMPOSSIBLE_DATE", "woman_id")]


@pytest.mark.parametrize(("day", "man_birth", "woman_birth", "expected"), [
    ("1975-06-01", D(1955, 6, 2), D(1955, 1, 1), [("BELOW_LEGAL_AGE_AT_TIME", "man_id")]),  # 1950 law: man 20
    ("1975-06-01", D(1955, 6, 1), D(1957, 6, 1), []),  # man 20, woman 18: fine then
    ("1975-06-01", D(1955, 1, 1), D(1957, 6, 2), [("BELOW_LEGAL_AGE_AT_TIME", "woman_id")]),
    ("1982-06-01", D(1961, 1, 1), D(1961, 1, 1), [("BELOW_LEGAL_AGE_AT_TIME", "man_id")]),  # 1980 law: man 22
    ("1949-06-01", D(1935, 1, 1), D(1936, 1, 1), []),  # before the 1950 law: no age to check
])
def test_below_legal_age_in_force_at_the_time(day, man_birth, woman_birth, expected):
    checked = row(register_date=day, man_id=resident_id(man_birth, "M"),
                  woman_id=resident_id(woman_birth, "F"))
    assert codes(validate_row(checked, TODAY)) == expected


def test_age_is_not_checked_on_divorce_rows():
    checked = row(kind="divorce", register_date="1982-06-01", man_id=resident_id(D(1961, 1, 1), "M"))
    assert validate_row(checked, TODAY) == []


def test_missing_fields():
    assert codes(validate_row(row(woman_name="", man_id=" "), TODAY)) == [
        ("MISSING_FIELD", "man_id"), ("MISSING_FIELD", "woman_name")]


def test_malformed_id_sex_mismatch_and_unknown_kind():
    assert codes(validate_row(row(man_id="4212811960"), TODAY)) == [("MALFORMED_ID", "man_id")]
    assert codes(validate_row(row(man_id=WOMAN, woman_id=MAN), TODAY)) == [
        ("SEX_MISMATCH", "man_id"), ("SEX_MISMATCH", "woman_id")]
    assert codes(validate_row(row(kind="复婚"), TODAY)) == [("INVALID_VALUE", "kind")]


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("number", [MAN, MAN[:6] + MAN[8:17]])
def test_digits_of_other_scripts_are_a_malformed_id_not_a_crash(number):
    # Fullwidth digits fold to ASCII (NFKC); Arabic-Indic ones do not and must be flagged.
    assert codes(validate_row(row(man_id=number.translate(_ARABIC_INDIC)), TODAY)) == [
        ("MALFORMED_ID", "man_id")]
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in MAN)
    assert validate_row(row(man_id=fullwidth), TODAY) == []


def test_a_date_in_other_scripts_digits_is_not_a_date():
    assert parse_archive_date("1985-06-01".translate(_ARABIC_INDIC)) is None


@pytest.mark.parametrize(("text", "day"), [
    ("1985-06-01", D(1985, 6, 1)), ("1985/6/1", D(1985, 6, 1)), ("1985.6.1", D(1985, 6, 1)),
    ("1985年6月1日", D(1985, 6, 1)), ("19850601", D(1985, 6, 1)), ("1985-6", None),
])
def test_archive_date_spellings(text, day):
    assert parse_archive_date(text) == day


def test_rows_from_a_spreadsheet_mapping():
    cells = {"register_date": dt.datetime(1985, 6, 1), "man_name": " 张三 ", "kind": None}
    parsed = ArchiveRow.from_mapping(cells)
    assert (parsed.register_date, parsed.man_name, parsed.kind) == ("1985-06-01", "张三", "")


def test_duplicate_certificate_is_reported_alone():
    tracker = DuplicateTracker()
    assert tracker.observe(1, row()) == []
    assert codes(tracker.observe(2, row())) == [("DUPLICATE_CERTIFICATE", "certificate_number")]
    assert list(tracker.finish()) == []


def test_same_certificate_number_at_another_office_is_no_duplicate():
    tracker = DuplicateTracker()
    tracker.observe(1, row())
    assert tracker.observe(2, row(office_code="421202", man_id=resident_id(D(1961, 1, 1), "M"))) == []


def test_duplicate_couple_and_date():
    tracker = DuplicateTracker()
    tracker.observe(1, row())
    upgraded_spelling = row(certificate_number="85-0999", man_id=MAN[:6] + MAN[8:17])
    assert codes(tracker.observe(2, upgraded_spelling)) == [("DUPLICATE_COUPLE_DATE", "register_date")]


def test_overlapping_marriage_is_flagged_on_the_later_marriage():
    tracker = DuplicateTracker()
    tracker.observe(1, row(certificate_number="b", register_date="1990-03-01", woman_id=OTHER_WOMAN))
    tracker.observe(2, row(certificate_number="a"))
    assert [(n, d.code, d.field) for n, d in tracker.finish()] == [(1, "OVERLAPPING_MARRIAGE", "man_id")]


def test_divorce_filed_after_the_remarriage_still_ends_the_first_marriage():
    tracker = DuplicateTracker()
    tracker.observe(1, row(certificate_number="a"))
    tracker.observe(2, row(certificate_number="c", register_date="1990-03-01", woman_id=OTHER_WOMAN))
    tracker.observe(3, row(certificate_number="d", register_date="1990-03-01", kind="divorce"))
    assert list(tracker.finish()) == []


def test_woman_married_to_two_men_is_flagged_on_her_side():
    tracker = DuplicateTracker()
    tracker.observe(1, row(certificate_number="a"))
    other_man = resident_id(D(1959, 1, 1), "M")
    tracker.observe(2, row(certificate_number="b", register_date="1988-01-01", man_id=other_man))
    assert [(n, d.field) for n, d in tracker.finish()] == [(2, "woman_id")]


@pytest.mark.parametrize("shown", ["4.2128119600315e+17", "4.21281E+17", "4.21281E17", "４.２１２８１Ｅ＋１７"])
def test_an_id_a_spreadsheet_stored_as_a_number_is_flagged_and_names_nobody(shown):
    """As an XLSX cell holds it, or a CSV saved from Excel shows it: the last digits are gone, so
    the row is flagged for correction from the paper file and the number is matched to no one.
    Before, the sheet's number came in as 18 invented digits (valid one time in eleven)."""
    from marriage.domain.history import canonical_id

    defects = validate_row(row(man_id=shown), TODAY)
    assert codes(defects) == [("ID_STORED_AS_NUMBER", "man_id")]
    assert "数字" in defects[0].message_zh and "身份证号码" in defects[0].message_zh
    assert canonical_id(shown) == (None, "ID_STORED_AS_NUMBER")
