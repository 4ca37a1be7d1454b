import datetime as dt

import pytest
from marriage.domain.eligibility import Declarations
from marriage.domain.events import (
    CertificateReissued,
    CourtDivorceRecorded,
    MarriageEndedByDeath,
    MarriageRegistered,
    RegistrationRevoked,
)
from marriage.domain.marriages import Marriage, MarriageState, RevokingAuthority
from servicekit.errors import DomainError

D = dt.date


@pytest.fixture
def marriage(person):
    parties = (person(D(1990, 1, 1), "M", "张三"), person(D(1992, 1, 1), "F", "李四"))
    return Marriage.register("m1", "J421281-2015-000001", "421281", D(2015, 5, 20), parties,
                             Declarations(True, True), set())


def test_registration_records_the_event(marriage):
    assert marriage.state is MarriageState.REGISTERED
    assert marriage.events == [MarriageRegistered("m1", "J421281-2015-000001", "421281", D(2015, 5, 20),
                                                  marriage.parties)]


def test_registration_checks_eligibility(person):
    parties = (person(D(1990, 1, 1), "M"), person(D(1992, 1, 1), "F"))
    with pytest.raises(DomainError) as caught:
        Marriage.register("m2", "J", "421281", D(2015, 5, 20), parties, Declarations(True, True),
                          {parties[0].key})
    assert caught.value.reason == "PARTY_ALREADY_MARRIED"


def test_death_ends_the_marriage_once(marriage):
    wife = marriage.parties[1].key
    assert marriage.end_by_death(wife, D(2023, 3, 1)) is True
    assert marriage.end_by_death(wife, D(2023, 3, 1)) is False
    assert marriage.state is MarriageState.ENDED_BY_DEATH
    assert (marriage.ended_on, marriage.deceased_key) == (D(2023, 3, 1), wife)
    assert marriage.events[1:] == [MarriageEndedByDeath("m1", wife, D(2023, 3, 1))]


def test_death_of_someone_else_is_refused(marriage):
    with pytest.raises(DomainError) as caught:
        marriage.end_by_death("RESIDENT_ID:other", D(2023, 3, 1))
    assert caught.value.reason == "NOT_A_PARTY"


def test_death_before_registration_is_refused(marriage):
    with pytest.raises(DomainError) as caught:
        marriage.end_by_death(marriage.parties[0].key, D(2015, 5, 19))
    assert caught.value.reason == "DATE_BEFORE_REGISTRATION"


def test_court_divorce_ends_a_current_marriage_only(marriage):
    with pytest.raises(DomainError) as caught:
        marriage.record_court_divorce(D(2020, 1, 1), " ")
    assert caught.value.reason == "DOCUMENT_REF_REQUIRED"
    assert [v.field for v in caught.value.violations] == ["document_number"]  # the request's own field
    marriage.record_court_divorce(D(2020, 1, 1), "(2019)鄂1281民初123号")
    assert marriage.events[-1] == CourtDivorceRecorded("m1", D(2020, 1, 1), "(2019)鄂1281民初123号")
    with pytest.raises(DomainError) as caught:
        marriage.end_by_divorce(D(2021, 1, 1))
    assert caught.value.reason == "MARRIAGE_NOT_CURRENT"


def test_revocation_once_with_a_document(marriage):
    with pytest.raises(DomainError) as caught:
        marriage.revoke(D(2024, 1, 5), RevokingAuthority.POLICE, "")
    assert [v.field for v in caught.value.violations] == ["document_reference"]  # the request's own field
    marriage.revoke(D(2024, 1, 5), RevokingAuthority.POLICE, "赤公认字〔2023〕8号")
    assert marriage.state is MarriageState.REVOKED
    assert marriage.events[-1] == RegistrationRevoked("m1", D(2024, 1, 5), "POLICE", "赤公认字〔2023〕8号")
    with pytest.raises(DomainError) as caught:
        marriage.revoke(D(2024, 1, 6), RevokingAuthority.COURT, "x")
    assert caught.value.reason == "ALREADY_REVOKED"


def test_reissue_records_what_was_issued(marriage):
    decision = marriage.reissue(D(2024, 3, 1), "421281", False, "R421281-2024-000001")
    assert decision.reason == "RECORD_STATE_CHANGED"
    assert marriage.events[-1] == CertificateReissued(
        "m1", "RECORD_CERTIFICATE", "R421281-2024-000001", "421281", D(2024, 3, 1))


def test_a_revoked_registration_has_nothing_to_reissue(marriage):
    """A revoked registration is no longer on record as a marriage (rules.md §1.6, §1.7): neither a
    replacement nor a record certificate is issued on it (a ZM could not be printed either)."""
    marriage.revoke(D(2024, 1, 5), RevokingAuthority.COURT, "(2023)鄂1281行初5号")
    with pytest.raises(DomainError) as caught:
        marriage.reissue(D(2024, 3, 1), "421281", False, "ZM421281-2024-000001")
    assert (caught.value.reason, caught.value.metadata) == ("REGISTRATION_REVOKED", {"state": "REVOKED"})
    assert "撤销" in caught.value.message
    assert not any(isinstance(e, CertificateReissued) for e in marriage.events)


def test_a_marriage_no_longer_current_is_named_in_chinese(marriage):
    """The window reads the state in words, not the enum: 已离婚, not DIVORCED."""
    marriage.record_court_divorce(D(2020, 1, 1), "(2019)鄂1281民初123号")
    with pytest.raises(DomainError) as caught:
        marriage.require_current()
    assert "已离婚" in caught.value.message and "DIVORCED" not in caught.value.message
    assert caught.value.metadata == {"state": "DIVORCED"}
