import pytest
from marriage.domain.certificates import (
    CertificateKind,
    CertificateNumber,
    ReissueOutcome,
    format_certificate_number,
    parse_certificate_number,
    reissue_kind,
    require_issued_here,
    require_printable,
)
from servicekit.errors import DomainError, ErrorKind


def test_format_and_parse_round_trip():
    text = format_certificate_number(CertificateKind.MARRIAGE, "421281", 2023, 123)
    assert text == "J421281-2023-000123"
    assert parse_certificate_number(text) == CertificateNumber(CertificateKind.MARRIAGE, "421281", 2023, 123)
    assert str(parse_certificate_number(" bl421281-2024-000007")) == "BL421281-2024-000007"


@pytest.mark.parametrize("text", [
    "X421281-2023-000123", "J42128-2023-000123", "J421281-2023-000000", "J4212812023000123"])
def test_malformed_numbers_are_refused(text):
    with pytest.raises(DomainError) as caught:
        parse_certificate_number(text)
    assert caught.value.reason == "INVALID_CERTIFICATE_NUMBER"


def test_serials_run_out_after_999999():
    last = format_certificate_number(CertificateKind.DIVORCE, "421281", 2024, 999_999)
    assert last == "L421281-2024-999999"
    with pytest.raises(DomainError) as caught:
        format_certificate_number(CertificateKind.DIVORCE, "421281", 2024, 1_000_000)
    assert caught.value.kind is ErrorKind.RESOURCE_EXHAUSTED


def test_reissued_kinds():
    assert CertificateKind.MARRIAGE.reissued() is CertificateKind.MARRIAGE_REISSUED
    assert CertificateKind.DIVORCE.reissued() is CertificateKind.DIVORCE_REISSUED


def test_reissue_only_while_the_state_is_unchanged():
    assert reissue_kind(True).outcome is ReissueOutcome.REISSUED_CERTIFICATE
    changed = reissue_kind(False)
    assert (changed.outcome, changed.reason) == (ReissueOutcome.RECORD_CERTIFICATE, "RECORD_STATE_CHANGED")
    assert "婚姻登记记录证明" in changed.note


@pytest.mark.parametrize(("series", "printable", "not_printable"), [
    ("J", {"REGISTERED"}, {"DIVORCED", "ENDED_BY_DEATH", "REVOKED"}),
    ("BJ", {"REGISTERED"}, {"DIVORCED", "ENDED_BY_DEATH", "REVOKED"}),
    ("L", {"DIVORCED"}, {"REGISTERED", "ENDED_BY_DEATH", "REVOKED"}),
    ("BL", {"DIVORCED"}, {"REGISTERED", "ENDED_BY_DEATH", "REVOKED"}),
    ("ZM", {"REGISTERED", "DIVORCED", "ENDED_BY_DEATH"}, {"REVOKED"}),
])
def test_a_document_is_printed_only_while_it_still_stands(series, printable, not_printable):
    for state in printable:
        require_printable(series, state, f"{series}421281-2024-000001")
    for state in not_printable:
        with pytest.raises(DomainError) as caught:
            require_printable(series, state, f"{series}421281-2024-000001")
        assert (caught.value.reason, caught.value.kind) == ("DOCUMENT_NOT_CURRENT", ErrorKind.FAILED_PRECONDITION)
        # The remedy offered is one there is: a revoked registration gets no 补领 (Marriage.reissue).
        assert ("补领" in caught.value.message) is (state != "REVOKED")


def test_an_archive_records_own_certificate_is_not_printed_again():
    require_issued_here(False, "J421281-2024-000001")
    with pytest.raises(DomainError) as caught:
        require_issued_here(True, "鄂蒲婚字(1987)第000001号")
    assert (caught.value.reason, caught.value.kind) == ("ARCHIVE_CERTIFICATE_NOT_REPRINTED",
                                                         ErrorKind.FAILED_PRECONDITION)
    assert "补领" in caught.value.message
