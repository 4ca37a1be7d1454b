"""Who may apply for a reissue (rules.md §1.6): a party of the record with ID, or an agent holding a
notarized power of attorney for one."""
from __future__ import annotations

import pytest
from marriage.domain.applicants import (
    Agent,
    ReissueApplicant,
    applicant_position,
    checked_agent,
    proxy_given,
    require_applicant,
)
from marriage.domain.parties import IdType
from servicekit.errors import DomainError, ErrorKind

MAN, WOMAN, STRANGER = b"h-man", b"h-woman", b"h-stranger"
PARTY_ID, AGENT_ID = "11010519491231002X", "420102198001011236"


def refusal(call, *args) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize("typed", ["", "   ", "\u3000"])
def test_the_partys_document_is_required(typed):
    err = refusal(require_applicant, typed)
    assert (err.reason, err.kind) == ("APPLICANT_REQUIRED", ErrorKind.INVALID_ARGUMENT)
    assert err.violations[0].field == "applicant_id_number"


def test_a_typed_document_is_enough_to_go_on():
    require_applicant(PARTY_ID)  # whether it is a party's is the record's to say


def test_either_party_applies_by_its_position_on_the_record():
    assert applicant_position(MAN, (MAN, WOMAN)) == 0
    assert applicant_position(WOMAN, (MAN, WOMAN)) == 1


def test_a_stranger_is_refused_without_learning_who_the_parties_are():
    err = refusal(applicant_position, STRANGER, (MAN, WOMAN))
    assert (err.reason, err.kind) == ("APPLICANT_NOT_A_PARTY", ErrorKind.FAILED_PRECONDITION)
    assert err.metadata == {} and err.violations == []
    assert "当事人" in err.message and "公证" in err.message


def test_an_archive_row_without_a_partys_number_matches_no_one():
    """A missing number (NULL hash) is never a match, not even for another missing one."""
    assert applicant_position(WOMAN, (None, WOMAN)) == 1
    assert refusal(applicant_position, MAN, (None, WOMAN)).reason == "APPLICANT_NOT_A_PARTY"


@pytest.mark.parametrize("fields, given", [
    (("", "", ""), False), (("  ", "", "\t"), False), ((AGENT_ID, "", ""), True), (("", "李四", ""), True),
    (("", "", "(2024)鄂赤证字第1号"), True)])
def test_a_proxy_is_given_when_any_of_its_fields_is_typed(fields, given):
    assert proxy_given(*fields) is given


def test_an_agent_with_the_notarized_power_of_attorney_is_recorded():
    agent = checked_agent(IdType.RESIDENT_ID, AGENT_ID, " 李  四 ", " (2024)鄂赤证字第 15 号 ", PARTY_ID)
    assert agent == Agent(IdType.RESIDENT_ID, AGENT_ID, "李 四", "(2024)鄂赤证字第 15 号")
    assert ReissueApplicant(1, agent).by_proxy and not ReissueApplicant(1).by_proxy


@pytest.mark.parametrize("reference", ["", "   "])
def test_an_agent_without_the_power_of_attorneys_reference_is_refused(reference):
    err = refusal(checked_agent, IdType.RESIDENT_ID, AGENT_ID, "李四", reference, PARTY_ID)
    assert (err.reason, err.kind) == ("POWER_OF_ATTORNEY_REQUIRED", ErrorKind.INVALID_ARGUMENT)
    assert err.violations[0].field == "proxy.power_of_attorney"


def test_the_party_is_not_its_own_agent():
    err = refusal(checked_agent, IdType.RESIDENT_ID, PARTY_ID, "张三", "(2024)鄂赤证字第1号", PARTY_ID)
    assert (err.reason, err.violations[0].field) == ("AGENT_IS_APPLICANT", "proxy.id_number")


@pytest.mark.parametrize("name, reason", [("", "NAME_REQUIRED"), ("李4", "INVALID_NAME")])
def test_the_agents_name_is_checked_as_a_name(name, reason):
    err = refusal(checked_agent, IdType.RESIDENT_ID, AGENT_ID, name, "(2024)鄂赤证字第1号", PARTY_ID)
    assert (err.reason, err.violations[0].field) == (reason, "proxy.name")
