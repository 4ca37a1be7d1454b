import datetime as dt

import pytest
from marriage.domain.blanks import (
    MAX_RECEIPT,
    BlankKind,
    BlankState,
    CertificateBlank,
    blank_kind_for,
    parse_serial,
    serial_range,
)
from servicekit.errors import DomainError, ErrorKind

D = dt.date
J = "J421281-2024-000001"
L = "L421281-2024-000001"


def refused(call, *args) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args)
    return caught.value


@pytest.fixture
def blank() -> CertificateBlank:
    return CertificateBlank(BlankKind.MARRIAGE, "AB00000001", "421281", D(2024, 3, 1))


@pytest.mark.parametrize("typed, serial", [
    ("ab00000001", "AB00000001"), (" AB 000 001 ", "AB000001"), ("ＡＢ１２３４５６", "AB123456"),
    ("123456", "123456"), ("ABCD123456789012", "ABCD123456789012"),
])
def test_serials_are_normalised(typed, serial):
    assert parse_serial(typed) == serial


@pytest.mark.parametrize("typed", ["", "AB12345", "ABCDE123456", "AB1234567890123", "A-123456", "12345A678"])
def test_malformed_serials_are_refused(typed):
    err = refused(parse_serial, typed)
    assert err.reason == "INVALID_BLANK_SERIAL" and err.kind is ErrorKind.INVALID_ARGUMENT
    assert err.violations[0].field == "serial" and "印制号" in err.message


def test_a_range_lists_every_serial_with_its_width():
    assert serial_range("ab000998", "AB001001") == ["AB000998", "AB000999", "AB001000", "AB001001"]
    assert serial_range("000123", "000123") == ["000123"]


def test_a_range_of_exactly_the_maximum_is_accepted_and_one_more_is_refused():
    assert len(serial_range("A000001", f"A{MAX_RECEIPT:06d}")) == MAX_RECEIPT == 5_000
    err = refused(serial_range, "A000001", f"A{MAX_RECEIPT + 1:06d}")
    assert err.reason == "BLANK_RANGE_TOO_LARGE" and err.metadata["count"] == "5001"
    assert err.violations[0].field == "last_serial"


@pytest.mark.parametrize("first, last", [
    ("A000010", "A000009"),  # backwards
    ("A000001", "B000002"),  # another prefix
    ("A000001", "A0000002"),  # another width
])
def test_ranges_that_are_not_one_run_are_refused(first, last):
    assert refused(serial_range, first, last).reason == "INVALID_BLANK_RANGE"


def test_a_bad_end_of_a_range_is_named():
    err = refused(serial_range, "A00001", "A000002")
    assert err.reason == "INVALID_BLANK_SERIAL" and err.violations[0].field == "first_serial"


@pytest.mark.parametrize("number, kind", [
    (J, BlankKind.MARRIAGE), ("BJ421281-2024-000002", BlankKind.MARRIAGE),
    (L, BlankKind.DIVORCE), ("bl421281-2024-000003", BlankKind.DIVORCE),
])
def test_each_document_goes_on_its_kind_of_blank(number, kind):
    assert blank_kind_for(number) is kind


def test_a_record_certificate_uses_no_blank():
    assert refused(blank_kind_for, "ZM421281-2024-000001").reason == "BLANK_KIND_MISMATCH"


def test_using_a_blank_records_the_document(blank):
    blank.use(" j421281-2024-000001 ", D(2024, 3, 2))
    assert (blank.state, blank.document_number, blank.used_on) == (BlankState.USED, J, D(2024, 3, 2))


def test_a_used_blank_cannot_be_used_again(blank):
    blank.use(J, D(2024, 3, 2))
    err = refused(blank.use, "BJ421281-2024-000002", D(2024, 3, 2))
    assert err.reason == "BLANK_NOT_IN_STOCK" and err.kind is ErrorKind.FAILED_PRECONDITION
    assert J in err.message and "已用于" in err.message and blank.document_number == J


def test_a_number_goes_in_two_booklets_one_per_party_and_a_third_waits_for_a_void(blank):
    first = CertificateBlank(BlankKind.MARRIAGE, "AB00000008", "421281", D(2024, 1, 2))
    first.use(J, D(2024, 3, 1))
    second = CertificateBlank(BlankKind.MARRIAGE, "AB00000009", "421281", D(2024, 1, 2))
    second.use(J, D(2024, 3, 1), "", [first])
    assert (first.copy, second.copy) == (1, 2)  # the man's and the woman's booklets
    err = refused(blank.use, J, D(2024, 3, 2), "", [first, second])
    assert err.reason == "DOCUMENT_ALREADY_ON_BLANK" and err.kind is ErrorKind.FAILED_PRECONDITION
    assert "AB00000008、AB00000009" in err.message and "作废" in err.message and blank.state is BlankState.IN_STOCK
    blank.use(J, D(2024, 3, 2), "", [second])  # the first one voided: its copy is free again
    assert (blank.state, blank.copy) == (BlankState.USED, 1)


def test_a_voided_blank_cannot_be_used(blank):
    blank.void("卡纸", D(2024, 3, 2))
    err = refused(blank.use, J, D(2024, 3, 2))
    assert err.reason == "BLANK_NOT_IN_STOCK" and "已作废" in err.message and "卡纸" in err.message


def test_a_document_of_the_other_kind_is_refused(blank):
    err = refused(blank.use, L, D(2024, 3, 2))
    assert err.reason == "BLANK_KIND_MISMATCH" and "离婚证" in err.message
    assert blank.state is BlankState.IN_STOCK


def test_a_malformed_document_number_is_refused(blank):
    assert refused(blank.use, "J42-2024-1", D(2024, 3, 2)).reason == "INVALID_CERTIFICATE_NUMBER"


def test_void_from_stock(blank):
    blank.void("  污损 ", D(2024, 3, 3))
    assert (blank.state, blank.void_reason, blank.voided_on) == (BlankState.VOIDED, "污损", D(2024, 3, 3))


def test_void_of_a_printed_certificate_keeps_its_number(blank):
    blank.use(J, D(2024, 3, 2))
    blank.void("打印错位", D(2024, 3, 2))
    assert blank.state is BlankState.VOIDED and blank.document_number == J


def test_a_void_needs_a_reason(blank):
    err = refused(blank.void, "  ", D(2024, 3, 2))
    assert err.reason == "BLANK_VOID_REASON_REQUIRED" and err.violations[0].field == "reason"
    assert blank.state is BlankState.IN_STOCK


def test_voided_is_final(blank):
    blank.void("卡纸", D(2024, 3, 2))
    err = refused(blank.void, "再次作废", D(2024, 3, 3))
    assert err.reason == "BLANK_ALREADY_VOIDED" and blank.void_reason == "卡纸"
