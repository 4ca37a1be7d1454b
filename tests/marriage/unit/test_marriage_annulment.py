"""A court's judgment of a void (宣告婚姻无效, 民法典 1051) or annulled (撤销婚姻, 1052/1053) marriage
recorded on the archive (rules.md §1.7): the ground must be one of the kind's, the judgment not in
the future nor before the registration; the marriage is void from the start (1054)."""
import datetime as dt
import itertools

import pytest
from marriage.domain.certificates import require_printable
from marriage.domain.eligibility import Declarations
from marriage.domain.events import CertificateReissued, CourtAnnulmentRecorded
from marriage.domain.marriages import (
    GROUNDS_OF,
    Annulment,
    AnnulmentGround,
    AnnulmentKind,
    Marriage,
    MarriageState,
    RevokingAuthority,
)
from marriage.domain.status import MaritalStatus, PersonRecord, marital_status
from servicekit.errors import DomainError

D = dt.date
TODAY = D(2024, 6, 1)
VOID, ANNULLED = AnnulmentKind.VOID, AnnulmentKind.ANNULLED
G = AnnulmentGround


@pytest.fixture
def marriage(person):
    parties = (person(D(1990, 1, 1), "M", "张三"), person(D(1992, 1, 1), "F", "李四"))
    return Marriage.register("m1", "J421281-2015-000001", "421281", D(2015, 5, 20), parties,
                             Declarations(True, True), set())


def judgment(kind=VOID, ground=G.BIGAMY, day=D(2024, 5, 10), court="赤壁市人民法院",
             number="(2024)鄂1281民初45号") -> Annulment:
    return Annulment(kind, ground, court, number, day)


def refused(marriage: Marriage, j: Annulment, today: dt.date = TODAY) -> DomainError:
    with pytest.raises(DomainError) as caught:
        marriage.record_annulment(j, today)
    return caught.value


MATCHING = [(VOID, G.BIGAMY), (VOID, G.PROHIBITED_KINSHIP), (VOID, G.UNDER_LEGAL_AGE),
            (ANNULLED, G.COERCION), (ANNULLED, G.CONCEALED_ILLNESS)]
MISMATCHED = [pair for pair in itertools.product(AnnulmentKind, AnnulmentGround) if pair not in MATCHING]


def test_the_grounds_of_each_kind_are_those_of_the_civil_code():
    assert {(k, g) for k, grounds in GROUNDS_OF.items() for g in grounds} == set(MATCHING)
    assert len(MISMATCHED) == 5


@pytest.mark.parametrize(("kind", "ground"), MISMATCHED)
def test_a_ground_of_the_other_kind_is_refused(marriage, kind, ground):
    err = refused(marriage, judgment(kind, ground))
    assert err.reason == "ANNULMENT_GROUND_MISMATCH" and [v.field for v in err.violations] == ["ground"]
    assert marriage.state is MarriageState.REGISTERED and marriage.annulment is None


@pytest.mark.parametrize(("kind", "ground"), MATCHING)
def test_a_current_marriage_is_void_from_the_judgment_on_record(marriage, kind, ground):
    j = judgment(kind, ground)
    assert marriage.record_annulment(j, TODAY) is True
    assert (marriage.state, marriage.annulment, marriage.ended_on) == (MarriageState.VOID, j, D(2024, 5, 10))
    assert marriage.events[-1] == CourtAnnulmentRecorded("m1", str(kind), str(ground), D(2024, 5, 10),
                                                         "(2024)鄂1281民初45号")


def test_a_judgment_dated_in_the_future_is_refused(marriage):
    err = refused(marriage, judgment(day=D(2024, 6, 2)))
    assert err.reason == "DATE_IN_FUTURE" and [v.field for v in err.violations] == ["judgment_date"]
    assert marriage.record_annulment(judgment(day=TODAY), TODAY) is True  # today itself is fine


def test_a_judgment_dated_before_the_registration_is_refused(marriage):
    err = refused(marriage, judgment(day=D(2015, 5, 19)))
    assert err.reason == "DATE_BEFORE_REGISTRATION" and [v.field for v in err.violations] == ["judgment_date"]
    assert marriage.state is MarriageState.REGISTERED


def test_the_court_and_the_judgment_number_are_required(marriage):
    assert refused(marriage, judgment(court=" ")).reason == "COURT_REQUIRED"
    err = refused(marriage, judgment(number=""))
    assert err.reason == "DOCUMENT_REF_REQUIRED" and [v.field for v in err.violations] == ["document_number"]


@pytest.mark.parametrize("end", ["divorce", "death"])
def test_an_ended_marriage_keeps_its_ending_beside_the_judgment(marriage, end):
    if end == "divorce":
        marriage.record_court_divorce(D(2020, 1, 1), "(2019)鄂1281民初123号")
    else:
        marriage.end_by_death(marriage.parties[0].key, D(2020, 1, 1))
    j = judgment(ANNULLED, G.COERCION)
    assert marriage.record_annulment(j, TODAY) is False
    assert (marriage.state, marriage.ended_on, marriage.annulment) == (MarriageState.VOID, D(2020, 1, 1), j)


def test_a_revoked_registration_is_refused(marriage):
    marriage.revoke(D(2024, 1, 5), RevokingAuthority.POLICE, "赤公认字〔2023〕8号")
    err = refused(marriage, judgment())
    assert (err.reason, err.metadata) == ("REGISTRATION_REVOKED", {"state": "REVOKED"})
    assert marriage.state is MarriageState.REVOKED and marriage.annulment is None


def test_a_marriage_already_void_is_refused_a_second_judgment_and_a_revocation(marriage):
    marriage.record_annulment(judgment(), TODAY)
    err = refused(marriage, judgment(ANNULLED, G.COERCION))
    assert (err.reason, err.metadata) == ("MARRIAGE_ANNULLED", {"state": "VOID"})
    assert "宣告婚姻无效" in err.message
    with pytest.raises(DomainError) as caught:
        marriage.revoke(TODAY, RevokingAuthority.COURT, "(2024)鄂1281行初5号")
    assert caught.value.reason == "MARRIAGE_ANNULLED" and marriage.state is MarriageState.VOID


def test_a_void_marriage_has_nothing_to_reissue_or_print(marriage):
    """As a revoked registration: no replacement, no record certificate (rules.md §1.6 needs the
    marriage on record), and its certificate is not printed again."""
    marriage.record_annulment(judgment(), TODAY)
    with pytest.raises(DomainError) as caught:
        marriage.reissue(TODAY, "421281", False, "ZM421281-2024-000001")
    assert (caught.value.reason, caught.value.metadata) == ("MARRIAGE_ANNULLED", {"state": "VOID"})
    assert not any(isinstance(e, CertificateReissued) for e in marriage.events)
    with pytest.raises(DomainError) as caught:
        require_printable("ZM", "VOID", "ZM421281-2024-000001")
    assert caught.value.reason == "DOCUMENT_NOT_CURRENT" and "补领" not in caught.value.message


def test_a_void_marriage_does_not_count_for_marital_status():
    """Void from the start (民法典 1054): the status is what the other records give."""
    void = PersonRecord(MarriageState.VOID, D(2018, 1, 1), D(2019, 1, 1))
    assert marital_status([void]) is MaritalStatus.UNMARRIED
    divorced = PersonRecord(MarriageState.DIVORCED, D(2005, 1, 1), D(2010, 1, 1))
    assert marital_status([divorced, void]) is MaritalStatus.DIVORCED
    # A bigamous second marriage declared void: the first still makes the person married.
    first = PersonRecord(MarriageState.REGISTERED, D(2005, 1, 1), None)
    assert marital_status([first, void]) is MaritalStatus.MARRIED
    # A marriage ended by death, then found void: the survivor is not a widow(er) by it.
    ended_then_void = PersonRecord(MarriageState.VOID, D(2015, 1, 1), D(2020, 1, 1))
    assert marital_status([ended_then_void]) is MaritalStatus.UNMARRIED
