"""RegisterMarriage over gRPC: every refusal with its reason, permissions, idempotency, masking."""
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    TODAY,
    audit_rows,
    office_code,
    outbox_events,
    pages,
    party,
    person_id,
    proof,
    reason_of,
    register_request,
    rows,
    stub,
    violations_of,
)


async def refused(service, secrets, request, code=grpc.StatusCode.FAILED_PRECONDITION, *roles,
                  jurisdiction: str = "") -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(service).RegisterMarriage(
            request, metadata=secrets.caller_metadata(*(roles or REGISTRAR), jurisdiction=jurisdiction))
    assert err.value.code() == code
    return err.value


def years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


async def test_registers_with_certificate_number_and_masked_parties(marriage, secrets):
    office = office_code()
    man, woman = person_id("M"), person_id("F")
    # Listed woman first: the record keeps the man at position 0.
    request = register_request(office=office, parties=[party(woman, "李娜"), party(man, "张伟")])
    m = await stub(marriage).RegisterMarriage(request, metadata=secrets.caller_metadata(*REGISTRAR))
    assert m.name.startswith("marriages/") and m.state == pb.MARRIAGE_STATE_REGISTERED
    assert m.certificate_number == f"J{office}-2024-000001" and m.register_date == TODAY.isoformat()
    assert [p.sex for p in m.parties] == [pb.SEX_MALE, pb.SEX_FEMALE]
    assert m.parties[0].id_number == man[:4] + "*" * 10 + man[-4:]
    assert m.parties[0].birth_date == f"{man[6:10]}-{man[10:12]}-{man[12:14]}"
    # Neither the audit trail nor the event carries a full ID number.
    (audit,) = await audit_rows(marriage, m.name, "marriage.register")
    assert man not in str(audit.after) and woman not in str(audit.after) and audit.actor == "tester"
    events = [e for e in await outbox_events(marriage, "marriage_registered", events_pb2.MarriageRegistered)
              if e.marriage.name == m.name]
    assert len(events) == 1 and events[0].marriage.certificate_number == m.certificate_number
    payloads = await rows(marriage, "SELECT payload FROM outbox WHERE subject = 'civic.marriage.marriage_registered'")
    assert not any(man.encode() in r.payload or woman.encode() in r.payload for r in payloads)


async def test_invalid_id_number_names_the_field(marriage, secrets):
    good = person_id("M")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    err = await refused(marriage, secrets, register_request(man=bad), grpc.StatusCode.INVALID_ARGUMENT)
    assert reason_of(err) == "INVALID_ID_NUMBER" and violations_of(err) == ["parties[0].id_number"]


async def test_legal_age_counts_full_years_on_the_registration_date(marriage, secrets):
    almost = years_before(TODAY, 22) + dt.timedelta(days=1)  # 21 years 364 days
    err = await refused(marriage, secrets, register_request(man=person_id("M", birth=almost)))
    assert reason_of(err) == "UNDER_LEGAL_AGE"
    ok = await stub(marriage).RegisterMarriage(register_request(man=person_id("M", birth=years_before(TODAY, 22))),
                                               metadata=secrets.caller_metadata(*REGISTRAR))
    assert ok.state == pb.MARRIAGE_STATE_REGISTERED
    err = await refused(marriage, secrets, register_request(
        woman=person_id("F", birth=years_before(TODAY, 20) + dt.timedelta(days=1))))
    assert reason_of(err) == "UNDER_LEGAL_AGE"


async def test_a_married_person_cannot_register_again(marriage, secrets):
    man = person_id("M")
    first = await stub(marriage).RegisterMarriage(register_request(man=man),
                                                  metadata=secrets.caller_metadata(*REGISTRAR))
    err = await refused(marriage, secrets, register_request(man=man))
    assert reason_of(err) == "PARTY_ALREADY_MARRIED"
    # The window is told which record: its number and day (a record with no defects says no more).
    assert f"（{first.certificate_number}，{first.register_date} 登记）" in err.details()
    assert "瑕疵" not in err.details()


async def test_same_person_twice_and_two_men_and_missing_declaration_are_refused(marriage, secrets):
    man = person_id("M")
    err = await refused(marriage, secrets, register_request(parties=[party(man), party(man)]),
                        grpc.StatusCode.INVALID_ARGUMENT)
    assert reason_of(err) == "SAME_PERSON"
    err = await refused(marriage, secrets, register_request(parties=[party(man), party(person_id("M"))]),
                        grpc.StatusCode.INVALID_ARGUMENT)
    assert reason_of(err) == "PARTIES_NOT_MALE_AND_FEMALE"
    err = await refused(marriage, secrets, register_request(
        declarations=pb.Declarations(no_spouse=True, no_prohibited_kinship=False)), grpc.StatusCode.INVALID_ARGUMENT)
    assert reason_of(err) == "DECLARATION_MISSING"
    assert violations_of(err) == ["declarations.no_prohibited_kinship"]
    err = await refused(marriage, secrets, register_request(parties=[party(man)]), grpc.StatusCode.INVALID_ARGUMENT)
    assert reason_of(err) == "TWO_PARTIES_REQUIRED"


async def test_a_foreign_party_by_passport(marriage, secrets):
    # A foreign case: registered at an office the province designated for them (rules.md §1.1 Art 2;
    # elsewhere OFFICE_NOT_DESIGNATED, test_designated_offices_api.py).
    office = office_code()
    await stub(marriage).UpsertOffice(pb.UpsertOfficeRequest(request_id=f"o-{office}", office=pb.Office(
        office_code=office, display_name="涉外婚姻登记处", opens_at="08:30", closes_at="17:00", daily_capacity=40,
        foreign_cases=True)), metadata=secrets.caller_metadata("admin"))  # the province designates: an admin sets it
    foreign = pb.Party(id_type=pb.ID_TYPE_PASSPORT, id_number="e1234 5678", name="Anna Schmidt", nationality="DEU",
                       sex=pb.SEX_FEMALE, birth_date="1995-06-01")
    man = party(person_id("M"))
    # Without a no-spouse proof (rules.md §1.3) she is refused, naming what she must bring; a
    # notarized declaration is Hong Kong's, Macao's and Taiwan's, not a foreigner's.
    err = await refused(marriage, secrets, register_request(office=office, parties=[man, foreign]),
                        grpc.StatusCode.INVALID_ARGUMENT)
    assert reason_of(err) == "NO_SPOUSE_PROOF_REQUIRED"
    assert violations_of(err) == ["parties[1].no_spouse_proof"]
    foreign.no_spouse_proof.CopyFrom(proof("NOTARIZED_DECLARATION"))
    err = await refused(marriage, secrets, register_request(office=office, parties=[man, foreign]),
                        grpc.StatusCode.INVALID_ARGUMENT)
    assert reason_of(err) == "NO_SPOUSE_PROOF_KIND"
    foreign.no_spouse_proof.CopyFrom(proof("APOSTILLE_CERTIFICATE"))
    m = await stub(marriage).RegisterMarriage(register_request(office=office, parties=[man, foreign]),
                                              metadata=secrets.caller_metadata(*REGISTRAR))
    assert m.parties[1].id_type == pb.ID_TYPE_PASSPORT and m.parties[1].nationality == "DEU"
    assert m.parties[1].id_number == "*********"  # too short to show any of it
    # The proof is kept with her on the record; the mainland husband has none.
    kept = (await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name),
                                             metadata=secrets.caller_metadata(*REGISTRAR))).parties
    assert kept[1].no_spouse_proof == foreign.no_spouse_proof
    assert not kept[0].HasField("no_spouse_proof")
    status = await stub(marriage).GetMaritalStatus(
        pb.GetMaritalStatusRequest(id_type=pb.ID_TYPE_PASSPORT, id_number="E12345678"),
        metadata=secrets.caller_metadata(*REGISTRAR))
    assert status.status == pb.MARITAL_STATUS_MARRIED and status.marriage.name == m.name


async def test_wrong_role_and_other_jurisdiction_are_denied(marriage, secrets):
    err = await refused(marriage, secrets, register_request(), grpc.StatusCode.PERMISSION_DENIED,
                        "marriage_counselor")
    assert reason_of(err) == "PERMISSION_DENIED"
    err = await refused(marriage, secrets, register_request(office="420102"), grpc.StatusCode.PERMISSION_DENIED,
                        *REGISTRAR, jurisdiction="421281")
    assert reason_of(err) == "OUT_OF_JURISDICTION"
    ok = await stub(marriage).RegisterMarriage(
        register_request(office="421281"), metadata=secrets.caller_metadata(*REGISTRAR, jurisdiction="4212"))
    assert ok.office_code == "421281"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).ListMarriages(pb.ListMarriagesRequest(office_code="420102"),
                                           metadata=secrets.caller_metadata("supervisor", jurisdiction="421281"))
    assert reason_of(err.value) == "OUT_OF_JURISDICTION"
    with pytest.raises(grpc.aio.AioRpcError) as err:  # not an empty list, as if the office had no records
        await stub(marriage).ListMarriages(pb.ListMarriagesRequest(office_code="abc"),
                                           metadata=secrets.caller_metadata("supervisor", jurisdiction=""))
    assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_OFFICE_CODE")


async def test_the_same_request_id_registers_once(marriage, secrets):
    office = office_code()
    request = register_request(office=office)
    md = secrets.caller_metadata(*REGISTRAR)
    first = await stub(marriage).RegisterMarriage(request, metadata=md)
    again = await stub(marriage).RegisterMarriage(request, metadata=md)
    assert again == first
    listed = await stub(marriage).ListMarriages(pb.ListMarriagesRequest(office_code=office), metadata=md)
    assert [m.name for m in listed.marriages] == [first.name]
    assert len(await audit_rows(marriage, first.name)) == 1


async def test_list_marriages_pages_newest_first_and_finds_by_name(marriage, secrets):
    office = office_code()
    md = secrets.caller_metadata(*REGISTRAR)
    names = []
    for _ in range(5):
        names.append((await stub(marriage).RegisterMarriage(register_request(office=office), metadata=md)).name)
    seen = [m.name async for page in pages(stub(marriage).ListMarriages,
                                           pb.ListMarriagesRequest(office_code=office, page_size=2), md)
            for m in page.marriages]
    assert seen == names[::-1]
    found = await stub(marriage).ListMarriages(pb.ListMarriagesRequest(office_code=office, party_name="张伟"),
                                               metadata=md)
    assert len(found.marriages) == 5
    got = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=names[0]), metadata=md)
    assert got.certificate_number == f"J{office}-2024-000001"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).GetMarriage(pb.GetMarriageRequest(name="marriages/nope"), metadata=md)
    assert reason_of(err.value) == "INVALID_NAME"
