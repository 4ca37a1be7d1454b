"""The no-spouse proof a party who is not a mainland resident presents (rules.md §1.3; domain.proofs)."""
import dataclasses
import datetime as dt

import pytest
from marriage.domain.parties import IdType, make_party
from marriage.domain.proofs import NoSpouseProofKind, check_proofs, make_proof
from servicekit.errors import DomainError
from tests.marriage.unit.marriage_ids import resident_id

BORN = dt.date(1992, 4, 5)
DAY = dt.date(2026, 6, 1)
KINDS = list(NoSpouseProofKind)


def mainland(sex: str = "M", address: str = "421281"):
    return make_party(IdType.RESIDENT_ID, resident_id(BORN, sex, address=address), "张三", "CHN")


def document(id_type: IdType, nationality: str, sex: str = "F"):
    return make_party(id_type, "K1234567", "陈美玲", nationality, sex, BORN)


def proof(kind: NoSpouseProofKind, issued: dt.date = dt.date(2026, 5, 20)):
    return make_proof(str(kind), "香港律师公证", "No. 2026-0518", issued)


def refusal(parties) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_proofs(parties, DAY)
    return caught.value


def with_proof(party, kind, issued=dt.date(2026, 5, 20)):
    return dataclasses.replace(party, no_spouse_proof=proof(kind, issued))


# (who, the proofs accepted from them)
CASES = [
    (lambda: document(IdType.HK_MACAO_PERMIT, "CHN"), {NoSpouseProofKind.NOTARIZED_DECLARATION}),
    (lambda: document(IdType.TAIWAN_PERMIT, "CHN"), {NoSpouseProofKind.NOTARIZED_DECLARATION}),
    (lambda: mainland("F", "810000"), {NoSpouseProofKind.NOTARIZED_DECLARATION}),  # 港澳台居民居住证
    (lambda: document(IdType.PASSPORT, "DEU"), set(KINDS) - {NoSpouseProofKind.NOTARIZED_DECLARATION}),
    (lambda: document(IdType.PASSPORT, "CHN"), set(KINDS) - {NoSpouseProofKind.NOTARIZED_DECLARATION}),  # 华侨
    (lambda: mainland("F", "933840"), set(KINDS) - {NoSpouseProofKind.NOTARIZED_DECLARATION}),  # 外国人永居证
]


@pytest.mark.parametrize(("who", "accepted"), CASES)
def test_a_party_who_is_not_a_mainland_resident_must_bring_a_proof(who, accepted):
    err = refusal([mainland("M"), who()])
    assert err.reason == "NO_SPOUSE_PROOF_REQUIRED"
    assert [v.field for v in err.violations] == ["parties[1].no_spouse_proof"]
    assert "陈美玲" in err.message or "张三" in err.message


@pytest.mark.parametrize(("who", "accepted"), CASES)
@pytest.mark.parametrize("kind", KINDS)
def test_only_the_kinds_of_proof_their_case_allows_are_accepted(who, accepted, kind):
    parties = [mainland("M"), with_proof(who(), kind)]
    if kind in accepted:
        check_proofs(parties, DAY)
    else:
        err = refusal(parties)
        assert err.reason == "NO_SPOUSE_PROOF_KIND"
        assert [v.field for v in err.violations] == ["parties[1].no_spouse_proof.kind"]


def test_a_mainland_resident_carries_no_proof():
    """Their status is the national database's; a proof typed in for them is a mistake on the form."""
    check_proofs([mainland("M"), mainland("F", "110105")], DAY)
    err = refusal([with_proof(mainland("M"), NoSpouseProofKind.NOTARIZED_DECLARATION), mainland("F", "110105")])
    assert err.reason == "NO_SPOUSE_PROOF_NOT_APPLICABLE"
    assert [v.field for v in err.violations] == ["parties[0].no_spouse_proof"]


def test_a_proof_may_be_issued_up_to_the_registration_day_not_after():
    hk = document(IdType.HK_MACAO_PERMIT, "CHN")
    check_proofs([mainland("M"), with_proof(hk, NoSpouseProofKind.NOTARIZED_DECLARATION, DAY)], DAY)
    err = refusal([mainland("M"), with_proof(hk, NoSpouseProofKind.NOTARIZED_DECLARATION,
                                             DAY + dt.timedelta(days=1))])
    assert err.reason == "NO_SPOUSE_PROOF_DATE"
    assert [v.field for v in err.violations] == ["parties[1].no_spouse_proof.issue_date"]


@pytest.mark.parametrize(("kind", "issuer", "number", "issued", "reason", "field"), [
    (None, "公证处", "1", DAY, "NO_SPOUSE_PROOF_KIND", "kind"),
    ("STATUTORY_DECLARATION", "公证处", "1", DAY, "NO_SPOUSE_PROOF_KIND", "kind"),
    ("NOTARIZED_DECLARATION", "  ", "1", DAY, "NO_SPOUSE_PROOF_ISSUER", "issuer"),
    ("NOTARIZED_DECLARATION", "公" * 101, "1", DAY, "NO_SPOUSE_PROOF_ISSUER", "issuer"),
    ("NOTARIZED_DECLARATION", "公证处", "", DAY, "NO_SPOUSE_PROOF_NUMBER", "document_number"),
    ("NOTARIZED_DECLARATION", "公证处", "1" * 51, DAY, "NO_SPOUSE_PROOF_NUMBER", "document_number"),
    ("NOTARIZED_DECLARATION", "公证处", "1", None, "DATE_REQUIRED", "issue_date"),
])
def test_each_part_of_a_proof_is_required_and_bounded(kind, issuer, number, issued, reason, field):
    with pytest.raises(DomainError) as caught:
        make_proof(kind, issuer, number, issued)
    assert caught.value.reason == reason
    assert [v.field for v in caught.value.violations] == [f"no_spouse_proof.{field}"]


def test_a_proofs_text_is_kept_with_its_spaces_folded():
    kept = make_proof("CONSULAR_CERTIFICATE", "  Embassy of the\tFederal Republic of Germany ", " RK 512 ", DAY)
    assert (kept.issuer, kept.document_number) == ("Embassy of the Federal Republic of Germany", "RK 512")
