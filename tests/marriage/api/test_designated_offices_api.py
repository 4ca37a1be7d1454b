"""Foreign, Hong Kong/Macao/Taiwan and overseas-Chinese cases only at an office the province
designated (rules.md §1.1, 婚姻登记条例 Art 2): RegisterMarriage, ApplyDivorce, RegisterDivorce and
ReissueCertificate elsewhere are refused OFFICE_NOT_DESIGNATED before anything is written; UpsertOffice sets the flag."""
import asyncio
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique
from sqlalchemy import text

from tests.marriage.api.test_divorce_api import plain_start
from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    TODAY,
    acceptance,
    agreement,
    audit_rows,
    error_info,
    office_code,
    party,
    person_id,
    proof,
    register_request,
    reissue_request,
    rows,
    stub,
)
from tests.marriage.integration.test_record_races import waiting_on
from tests.marriage.unit.marriage_ids import resident_id

WAY = "请到经省级民政部门指定的涉外婚姻登记机关办理"


def md(secrets):
    return secrets.caller_metadata(*REGISTRAR)


def passport(name: str = "Anna Schmidt", nationality: str = "DEU") -> pb.Party:
    return pb.Party(id_type=pb.ID_TYPE_PASSPORT, id_number=f"E{unique()[-8:].upper()}", name=name,
                    nationality=nationality, sex=pb.SEX_FEMALE, birth_date="1995-06-01",
                    no_spouse_proof=proof("CONSULAR_CERTIFICATE"))


def hk_permit() -> pb.Party:
    return pb.Party(id_type=pb.ID_TYPE_HK_MACAO_PERMIT, id_number=f"H{unique()[-8:].upper()}", name="陈美玲",
                    nationality="CHN", sex=pb.SEX_FEMALE, birth_date="1994-02-03", no_spouse_proof=proof())


def taiwan_residence_permit() -> pb.Party:
    """A 台湾居民居住证: a resident-ID-shaped number with address code 830000, typed as a resident ID."""
    born = TODAY.replace(year=TODAY.year - 28)
    return party(resident_id(born, "F", address="830000", sequence=f"{int(unique()[-6:], 16) % 100:02d}"), "林志玲",
                 no_spouse_proof=proof())


async def upsert_office(service, secrets, code: str, foreign_cases: bool, *, roles=("admin",),
                        capacity: int = 40) -> pb.Office:
    """UpsertOffice as an account administrator (who alone sets the designation) unless ``roles``."""
    return await stub(service).UpsertOffice(pb.UpsertOfficeRequest(request_id=unique("o-"), office=pb.Office(
        office_code=code, display_name=f"测试婚姻登记处{code}", opens_at="08:30", closes_at="17:00",
        daily_capacity=capacity, foreign_cases=foreign_cases)), metadata=secrets.caller_metadata(*roles))


async def designated_office(service, secrets) -> str:
    code = office_code()
    await upsert_office(service, secrets, code, True)
    return code


async def refused_not_designated(call, request, secrets, kind_and_what: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(request, metadata=md(secrets))
    err = caught.value
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_info(err).reason == "OFFICE_NOT_DESIGNATED"
    assert f"本案为{kind_and_what}" in err.details() and WAY in err.details()


async def written_at(service, office: str) -> dict[str, int]:
    """What a registration, an acceptance or a reissue at the office would have written."""
    counted = {
        "audit": "SELECT count(*) FROM audit_log WHERE office_code = :o",
        "events": "SELECT count(*) FROM outbox WHERE headers->>'Civic-Office' = :o",
        "serials": "SELECT count(*) FROM certificate_serials WHERE office_code = :o",
        "marriages": "SELECT count(*) FROM marriages WHERE office_code = :o",
        "applications": "SELECT count(*) FROM divorce_applications WHERE office_code = :o",
        "certificates": "SELECT count(*) FROM certificates WHERE office_code = :o",
    }
    return {name: (await rows(service, sql, o=office))[0][0] for name, sql in counted.items()}


NOTHING = {"audit": 0, "events": 0, "serials": 0, "marriages": 0, "applications": 0, "certificates": 0}


async def test_a_foreign_marriage_is_registered_only_once_the_office_is_designated(marriage, secrets):
    office = office_code()
    request = register_request(office=office, parties=[party(person_id("M"), "张伟"), passport()])
    # No office row: not designated.
    await refused_not_designated(stub(marriage).RegisterMarriage, request, secrets, "涉外结婚登记")
    assert await written_at(marriage, office) == NOTHING
    # On record but not designated (the default), the same; the refusal names the office.
    shown = await upsert_office(marriage, secrets, office, False)
    assert shown.foreign_cases is False
    audit_before = await written_at(marriage, office)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub(marriage).RegisterMarriage(request, metadata=md(secrets))
    assert f"测试婚姻登记处{office}（{office}）未经省级民政部门指定" in caught.value.details()
    assert await written_at(marriage, office) == audit_before  # only the office's own upsert

    designated = await upsert_office(marriage, secrets, office, True)
    assert designated.foreign_cases is True
    listed = await stub(marriage).ListOffices(pb.ListOfficesRequest(page_size=1000), metadata=md(secrets))
    assert next(o for o in listed.offices if o.office_code == office).foreign_cases is True
    *_, last = await audit_rows(marriage, f"offices/{office}", "office.upsert")
    assert last.after["foreign_cases"] is True and last.actor == "tester"
    # The same request_id, refused before, was never recorded: it registers now.
    m = await stub(marriage).RegisterMarriage(request, metadata=md(secrets))
    assert m.state == pb.MARRIAGE_STATE_REGISTERED and m.certificate_number == f"J{office}-{TODAY.year}-000001"


async def test_a_mainland_couple_registers_at_any_office(marriage, secrets):
    office = office_code()  # no office row, not designated
    m = await stub(marriage).RegisterMarriage(register_request(office=office), metadata=md(secrets))
    assert m.certificate_number == f"J{office}-{TODAY.year}-000001"


async def test_overseas_chinese_and_hong_kong_parties_are_named_as_such(marriage, secrets):
    office = office_code()
    await refused_not_designated(stub(marriage).RegisterMarriage, register_request(
        office=office, parties=[party(person_id("M")), passport("王丽", "CHN")]), secrets, "华侨结婚登记")
    await refused_not_designated(stub(marriage).RegisterMarriage, register_request(
        office=office, parties=[party(person_id("M")), hk_permit()]), secrets, "涉港澳台结婚登记")
    assert await written_at(marriage, office) == NOTHING


async def test_a_divorce_is_accepted_only_at_a_designated_office(marriage, secrets):
    home = await designated_office(marriage, secrets)
    m = await stub(marriage).RegisterMarriage(register_request(
        office=home, parties=[party(person_id("M"), "张伟"), hk_permit()]), metadata=md(secrets))
    elsewhere = office_code()
    request = pb.ApplyDivorceRequest(request_id=unique("ad-"), marriage=m.name, agreement=agreement(),
                                     office_code=elsewhere, **acceptance())
    await refused_not_designated(stub(marriage).ApplyDivorce, request, secrets, "涉港澳台离婚登记")
    assert await written_at(marriage, elsewhere) == NOTHING
    assert await audit_rows(marriage, m.name, "divorce.apply") == []
    accepted = await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
        request_id=unique("ad-"), marriage=m.name, agreement=agreement(), office_code=home, **acceptance()),
        metadata=md(secrets))
    assert accepted.state == pb.DIVORCE_STATE_COOLING_OFF and accepted.office_code == home


async def test_a_certificate_is_reissued_only_at_a_designated_office(marriage, secrets):
    """A Taiwan resident's 居住证 number looks like a resident ID: the case is still 涉港澳台."""
    home = await designated_office(marriage, secrets)
    husband = person_id("M")
    m = await stub(marriage).RegisterMarriage(register_request(
        office=home, parties=[party(husband, "张伟"), taiwan_residence_permit()]), metadata=md(secrets))
    elsewhere = office_code()
    request = reissue_request(m.name, husband, elsewhere)
    await refused_not_designated(stub(marriage).ReissueCertificate, request, secrets, "涉港澳台补领婚姻登记证")
    assert await written_at(marriage, elsewhere) == NOTHING
    got = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))
    assert got.reissue_count == 0
    await upsert_office(marriage, secrets, elsewhere, True)
    reissued = await stub(marriage).ReissueCertificate(request, metadata=md(secrets))
    assert reissued.document_number == f"BJ{elsewhere}-{TODAY.year}-000001"


async def test_only_an_administrator_designates_an_office_its_registrars_keep_the_designation(marriage, secrets):
    """The province designates (rules.md §1.1 Art 2): a registrar, whom UpsertOffice lets change the
    office's hours and capacity, may neither designate it nor drop the designation."""
    plain, designated = office_code(), await designated_office(marriage, secrets)
    for code, wanted in ((plain, True), (designated, False)):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await upsert_office(marriage, secrets, code, wanted, roles=REGISTRAR)
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert error_info(err.value).reason == "DESIGNATION_BY_ADMIN_ONLY"
    # Nothing changed, and a registrar's change of capacity keeping the designation goes through.
    assert (await upsert_office(marriage, secrets, designated, True, roles=REGISTRAR, capacity=60)).foreign_cases
    listed = await stub(marriage).ListOffices(pb.ListOfficesRequest(page_size=1000), metadata=md(secrets))
    by_code = {o.office_code: o for o in listed.offices}
    assert plain not in by_code
    assert (by_code[designated].foreign_cases, by_code[designated].daily_capacity) == (True, 60)


async def test_a_foreign_divorce_is_registered_only_while_the_accepting_office_is_designated(
        marriage, secrets, fake_clock):
    """RegisterDivorce issues the 离婚证 of a foreign case: it too is registering (rules.md §1.1 Art 2),
    checked when it happens — an application accepted at an office whose designation was then
    withdrawn (or accepted before offices carried one) is not registered there."""
    home = await designated_office(marriage, secrets)
    m = await stub(marriage).RegisterMarriage(register_request(
        office=home, parties=[party(person_id("M"), "张伟"), passport()]), metadata=md(secrets))
    start = plain_start(dt.date(2024, 3, 4))
    fake_clock.set(start)
    app = await stub(marriage).ApplyDivorce(pb.ApplyDivorceRequest(
        request_id=unique("ad-"), marriage=m.name, agreement=agreement(), office_code=home, **acceptance()),
        metadata=md(secrets))
    await upsert_office(marriage, secrets, home, False)  # the province withdrew the designation
    fake_clock.set(start + dt.timedelta(days=31))
    before = await written_at(marriage, home)
    request = pb.RegisterDivorceRequest(request_id=unique("rd-"), name=app.name, office_code=home,
                                        both_present=True)
    await refused_not_designated(stub(marriage).RegisterDivorce, request, secrets, "涉外离婚登记")
    assert await written_at(marriage, home) == before  # no audit row, event, serial or certificate
    got = await stub(marriage).GetDivorceApplication(pb.GetDivorceApplicationRequest(name=app.name),
                                                     metadata=md(secrets))
    assert got.state == pb.DIVORCE_STATE_AWAITING_ISSUE and got.certificate_number == ""
    await upsert_office(marriage, secrets, home, True)
    done = await stub(marriage).RegisterDivorce(request, metadata=md(secrets))
    assert done.state == pb.DIVORCE_STATE_DIVORCED and done.certificate_number == f"L{home}-2024-000001"


async def test_a_registrars_upsert_racing_the_admins_designation_does_not_undo_it(marriage, secrets):
    """Two windows at once: the admin designates the office while its registrar saves the hours
    from a page that showed it not designated. The registrar's call waits for the admin's row and
    then finds the designation it would drop (DESIGNATION_BY_ADMIN_ONLY) — it must not read the
    office before the admin's commit and then overwrite the flag with what its page showed."""
    code = office_code()
    await upsert_office(marriage, secrets, code, False)
    async with marriage.infra.db.transaction() as admin:  # the admin's UpsertOffice, not yet committed
        pid = (await admin.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await admin.execute(text("UPDATE offices SET foreign_cases = true WHERE code = :c"), {"c": code})
        registrar = asyncio.ensure_future(upsert_office(marriage, secrets, code, False, roles=REGISTRAR, capacity=60))
        await waiting_on(marriage, pid, 1)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await registrar
    assert error_info(err.value).reason == "DESIGNATION_BY_ADMIN_ONLY"
    listed = await stub(marriage).ListOffices(pb.ListOfficesRequest(page_size=1000), metadata=md(secrets))
    office = next(o for o in listed.offices if o.office_code == code)
    assert (office.foreign_cases, office.daily_capacity) == (True, 40)
