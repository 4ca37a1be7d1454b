"""Who may see, end or revoke a historical record: archives carry retired office codes (422302 蒲圻市
until 1998, now 421281 赤壁市) that no current jurisdiction covers, so the bureau that imported the
archive — its custodian — acts on its records, as it corrects them; other registries still may not."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from civic.api.v1 import audit_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    person_id,
    reason_of,
    register_request,
    reissue_request,
    stub,
)
from tests.marriage.integration.test_correction_workflow import HEADER
from tests.marriage.integration.test_import_archive import stream_file


def registrar(secrets, jurisdiction: str, name: str):
    return secrets.caller_metadata("marriage_registrar", subject=name, jurisdiction=jurisdiction)


async def import_puqi_records(marriage, secrets, tmp_path, couples: list[tuple[str, str]]) -> list[str]:
    """Marriages registered in 1987 by 蒲圻市 (422302), imported by Chibi's archive office."""
    path = tmp_path / "puqi.csv"
    volume = couples[0][0][-6:]  # a volume of its own: the registry keeps every test's imports
    path.write_bytes((HEADER + "".join(
        f"鄂蒲婚字(1987){volume}卷第{i:06d}号,1987-05-05,结婚,钱国平,{man},吴秀珍,{woman},422302\n"
        for i, (man, woman) in enumerate(couples, 1))).encode("gb18030"))
    report = await stub(marriage).ImportHistoricalRecords(stream_file(path, unique("imp-")),
                                                          metadata=registrar(secrets, "421281", "archivist"))
    assert report.rows_imported == len(couples) and report.rows_with_defects == 0
    names = []
    for man, _ in couples:
        status = await stub(marriage).GetMaritalStatus(pb.GetMaritalStatusRequest(
            id_type=pb.ID_TYPE_RESIDENT_ID, id_number=man), metadata=registrar(secrets, "421281", "clerk"))
        assert status.status == pb.MARITAL_STATUS_MARRIED and status.marriage.office_code == "422302"
        names.append(status.marriage.name)
    return names


async def test_the_importing_bureau_acts_on_its_archive_and_others_do_not(marriage, secrets, tmp_path):
    born = dt.date(1960, 1, 1)
    couples = [(person_id("M", born), person_id("F", born)) for _ in range(3)]
    divorced, revoked, widowed = await import_puqi_records(marriage, secrets, tmp_path, couples)
    chibi, xianan = registrar(secrets, "421281", "chibi-a"), registrar(secrets, "421202", "xianan-a")
    s = stub(marriage)

    def court_divorce(name: str) -> pb.RecordCourtDivorceRequest:
        return pb.RecordCourtDivorceRequest(request_id=unique(), marriage=name, court="赤壁市人民法院",
                                            document_number="(2023)鄂1281民初88号", effective_date="2023-06-01")

    def revocation(name: str) -> pb.RevokeRegistrationRequest:
        return pb.RevokeRegistrationRequest(request_id=unique(), name=name, authority=pb.REVOCATION_AUTHORITY_COURT,
                                            document_reference="(2023)鄂1281行初5号", reason="冒名登记")

    def death(number: str) -> pb.RecordDeathRequest:
        return pb.RecordDeathRequest(request_id=unique(), id_type=pb.ID_TYPE_RESIDENT_ID, id_number=number,
                                     death_date="2023-09-09", death_certificate_number="D2023-421281-0007")

    for call in (s.RecordCourtDivorce(court_divorce(divorced), metadata=xianan),
                 s.RevokeRegistration(revocation(revoked), metadata=xianan),
                 s.RecordDeath(death(couples[2][0]), metadata=xianan)):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await call
        assert (refused.value.code(), reason_of(refused.value)) == (
            grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_JURISDICTION")

    ended = await s.RecordCourtDivorce(court_divorce(divorced), metadata=chibi)
    assert ended.state == pb.MARRIAGE_STATE_DIVORCED and ended.office_code == "422302"
    assert (await s.RevokeRegistration(revocation(revoked), metadata=chibi)).state == pb.MARRIAGE_STATE_REVOKED
    died = await s.RecordDeath(death(couples[2][0]), metadata=chibi)
    assert died.marriage.name == widowed and died.marriage.state == pb.MARRIAGE_STATE_ENDED_BY_DEATH

    # Their audit rows, and the import's, fall under the custodian: its auditor reads them (422302
    # is no current auditor's jurisdiction), 咸安区's does not.
    def trail(actor: str, jurisdiction: str):
        return s.ListAuditRecords(audit_pb2.ListAuditRecordsRequest(actor=actor, page_size=500),
                                  metadata=secrets.caller_metadata("auditor", jurisdiction=jurisdiction))

    changes = (await trail("chibi-a", "421281")).audit_records
    assert {(r.resource, r.action) for r in changes} >= {
        (divorced, "marriage.court_divorce"), (revoked, "marriage.revoke"), (widowed, "marriage.end_by_death")}
    imported = (await trail("archivist", "421281")).audit_records
    assert {r.action for r in imported} == {"historical_import.complete"}
    assert {r.office_code for r in [*changes, *imported]} == {"421281"}
    assert list((await trail("chibi-a", "421202")).audit_records) == []


async def test_a_registration_stays_with_its_own_office(marriage, secrets):
    """Custody is for imported archives only: a marriage Civic registered at 咸安区 (421202) is not
    Chibi's to end."""
    m = await stub(marriage).RegisterMarriage(register_request(office="421202"),
                                              metadata=registrar(secrets, "421202", "xianan-a"))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
            request_id=unique(), marriage=m.name, court="咸安区人民法院", document_number="(2024)鄂1202民初9号",
            effective_date="2024-02-01"), metadata=registrar(secrets, "421281", "chibi-a"))
    assert reason_of(refused.value) == "OUT_OF_JURISDICTION"


async def test_the_custodian_lists_its_archive_under_the_retired_code_and_others_may_not(marriage, secrets, tmp_path):
    """ListMarriages: Chibi's own list holds the 蒲圻市 records it imported; asked for 422302 it lists
    them (only those in its custody); a bureau holding none of them is refused, as for any office
    outside its jurisdiction."""
    born = dt.date(1961, 2, 3)
    ours = await import_puqi_records(marriage, secrets, tmp_path,
                                     [(person_id("M", born), person_id("F", born)) for _ in range(2)])
    s = stub(marriage)

    async def listed(md, office: str = "") -> list[pb.Marriage]:
        page = await s.ListMarriages(pb.ListMarriagesRequest(
            office_code=office, register_date_from="1987-05-05", register_date_to="1987-05-05", page_size=500),
            metadata=md)
        return list(page.marriages)

    chibi = registrar(secrets, "421281", "chibi-b")
    for office in ("", "421281", "422302"):
        found = await listed(chibi, office)
        assert set(ours) <= {m.name for m in found}, office
        if office == "422302":
            assert {m.office_code for m in found} == {"422302"}
    city = registrar(secrets, "4212", "xianning")  # the prefecture holds what its counties imported
    assert set(ours) <= {m.name for m in await listed(city, "422302")}

    for md, office in ((registrar(secrets, "429004", "xiantao"), "422302"), (chibi, "420102")):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await listed(md, office)
        assert (refused.value.code(), reason_of(refused.value)) == (
            grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_JURISDICTION")
    assert not set(ours) & {m.name for m in await listed(registrar(secrets, "429004", "xiantao"))}


async def test_an_archive_records_own_certificate_is_not_printed_again_its_reissue_is(marriage, secrets, tmp_path):
    """The 1987 booklet was handed out on paper: printing it now would issue a certificate no one
    here issued, whose QR verifies nothing. A 补领 gives a BJ… certificate of its own, which prints."""
    born = dt.date(1961, 2, 2)
    man = person_id("M", born)
    (name,) = await import_puqi_records(marriage, secrets, tmp_path, [(man, person_id("F", born))])
    chibi, s = registrar(secrets, "421281", "chibi-print"), stub(marriage)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await s.PrintCertificate(pb.PrintCertificateRequest(name=name, purpose="打印结婚证"), metadata=chibi)
    assert (refused.value.code(), reason_of(refused.value)) == \
        (grpc.StatusCode.FAILED_PRECONDITION, "ARCHIVE_CERTIFICATE_NOT_REPRINTED")
    assert "补领" in refused.value.details()

    reissued = await s.ReissueCertificate(reissue_request(name, man, "421281"), metadata=chibi)
    assert reissued.document_number.startswith("BJ421281-")
    printed = await s.PrintCertificate(pb.PrintCertificateRequest(
        name=name, purpose="打印补发结婚证", document_number=reissued.document_number), metadata=chibi)
    assert printed.name == name and printed.state == pb.MARRIAGE_STATE_REGISTERED


async def test_no_reissue_of_an_archive_marriage_certificate_after_a_later_marriage(marriage, secrets, tmp_path):
    """rules.md §1.6: a 补领 only while the status is unchanged; remarried since → 婚姻登记记录证明.
    Archives miss divorce rows (§1.8), so a 1987 marriage may still read REGISTERED while the man
    married someone else in 1995: its 结婚证 is not issued again, the record is certified instead.
    The later marriage, and a record with an exact duplicate row (same couple, same day), still
    reissue."""
    born = dt.date(1962, 3, 3)
    man, first_wife, second_wife = person_id("M", born), person_id("F", born), person_id("F", born)
    other_man, other_woman = person_id("M", born), person_id("F", born)
    volume = man[-6:]
    path = tmp_path / "overlap.csv"
    path.write_bytes((HEADER
                      + f"鄂蒲婚字(1987){volume}卷第000001号,1987-05-05,结婚,钱国平,{man},吴秀珍,{first_wife},422302\n"
                      + f"鄂蒲婚字(1995){volume}卷第000002号,1995-06-06,结婚,钱国平,{man},李桂兰,{second_wife},422302\n"
                      + f"鄂蒲婚字(1988){volume}卷第000003号,1988-08-08,结婚,孙建国,{other_man},周玉兰,{other_woman},422302\n"
                      + f"鄂蒲婚字(1988){volume}卷第000004号,1988-08-08,结婚,孙建国,{other_man},周玉兰,{other_woman},422302\n"
                      ).encode("gb18030"))
    chibi, s = registrar(secrets, "421281", "chibi-overlap"), stub(marriage)
    await s.ImportHistoricalRecords(stream_file(path, unique("imp-")), metadata=registrar(secrets, "421281", "archivist"))

    async def marriage_of(number: str, year: str) -> str:
        status = await s.GetMaritalStatus(pb.GetMaritalStatusRequest(
            id_type=pb.ID_TYPE_RESIDENT_ID, id_number=number), metadata=chibi)
        (found,) = [r.name for r in status.records if r.register_date.startswith(year)]
        return found

    first = await marriage_of(first_wife, "1987")
    done = await s.ReissueCertificate(reissue_request(first, first_wife, "421281"), metadata=chibi)
    assert done.outcome == pb.REISSUE_OUTCOME_RECORD_CERTIFICATE and done.document_number.startswith("ZM421281-")
    second = await marriage_of(second_wife, "1995")
    done = await s.ReissueCertificate(reissue_request(second, man, "421281"), metadata=chibi)
    assert done.outcome == pb.REISSUE_OUTCOME_CERTIFICATE and done.document_number.startswith("BJ421281-")
    status = await s.GetMaritalStatus(pb.GetMaritalStatusRequest(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=other_woman), metadata=chibi)
    done = await s.ReissueCertificate(reissue_request(status.records[0].name, other_woman, "421281"),
                                      metadata=chibi)
    assert done.outcome == pb.REISSUE_OUTCOME_CERTIFICATE
