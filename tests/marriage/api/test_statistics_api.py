"""GetStatistics over gRPC: the period's bounds on the bureau's calendar, the office scope (archives
counted where they are held), and what each figure counts."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.clock import BUREAU_TZ
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    archive_volume,
    error_info,
    office_code,
    person_id,
    reason_of,
    register_request,
    reissue_request,
    stub,
)
from tests.marriage.integration.test_correction_workflow import HEADER, wrong_check
from tests.marriage.integration.test_import_archive import stream_file

COUNTS = ("marriages_registered", "divorces_registered", "court_divorces", "certificates_reissued",
          "record_certificates", "divorce_applications", "divorce_withdrawn", "divorce_deemed_withdrawn",
          "divorce_refused", "court_annulments",
          "counseling_received", "counseling_reconciled", "historical_imported", "corrections_approved")


def registrar(secrets, jurisdiction: str = "", name: str = "clerk-a"):
    return secrets.caller_metadata("marriage_registrar", subject=name, jurisdiction=jurisdiction)


async def figures(service, secrets, office: str, d_from: str = "", d_to: str = "",
                  jurisdiction: str = "") -> pb.Statistics:
    return await stub(service).GetStatistics(
        pb.GetStatisticsRequest(office_code=office, from_date=d_from, to_date=d_to),
        metadata=secrets.caller_metadata("supervisor", subject="report-reader", jurisdiction=jurisdiction))


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), BUREAU_TZ)


async def test_the_period_counts_the_first_and_last_day_on_the_bureaus_calendar(marriage, secrets,
                                                                              fake_clock):
    office = office_code()
    s = stub(marriage)
    # 00:10 on 1 January in Beijing is still 31 December in UTC; 23:50 on 31 January is 1 February's
    # morning nowhere, and 00:05 on 1 February is 31 January in UTC.
    for when in (at(dt.date(2024, 1, 1), 0, 10), at(dt.date(2024, 1, 31), 23, 50),
                 at(dt.date(2024, 2, 1), 0, 5)):
        fake_clock.set(when)
        await s.RegisterMarriage(register_request(office=office), metadata=registrar(secrets))
    fake_clock.set(dt.date(2024, 3, 1))

    january = await figures(marriage, secrets, office, "2024-01-01", "2024-01-31")
    assert (january.from_date, january.to_date, january.marriages_registered) == (
        "2024-01-01", "2024-01-31", 2)
    assert (await figures(marriage, secrets, office, "2024-01-31", "2024-01-31")).marriages_registered == 1
    assert (await figures(marriage, secrets, office, "2024-02-01", "2024-02-01")).marriages_registered == 1
    assert (await figures(marriage, secrets, office, "2023-12-31", "2023-12-31")).marriages_registered == 0

    empty = await figures(marriage, secrets, office, "2024-06-01", "2024-06-30")
    assert [getattr(empty, name) for name in COUNTS] == [0] * len(COUNTS)

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await figures(marriage, secrets, office, "2024-01-31", "2024-01-01")
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert reason_of(err.value) == "INVALID_PERIOD"
    assert "开始日期不能晚于结束日期" in err.value.details()


async def test_a_period_given_by_its_last_day_only_starts_on_that_years_first_day(marriage, secrets,
                                                                                  fake_clock):
    """The form's default is 1 January to today; asked for the report up to 31 December last year
    without a start, the period is last year's, not refused as starting after it ends."""
    office = office_code()
    fake_clock.set(dt.date(2023, 11, 6))
    await stub(marriage).RegisterMarriage(register_request(office=office), metadata=registrar(secrets))
    fake_clock.set(dt.date(2024, 3, 1))

    last_year = await figures(marriage, secrets, office, d_to="2023-12-31")
    assert (last_year.from_date, last_year.to_date, last_year.marriages_registered) == (
        "2023-01-01", "2023-12-31", 1)
    this_year = await figures(marriage, secrets, office)
    assert (this_year.from_date, this_year.to_date, this_year.marriages_registered) == (
        "2024-01-01", "2024-03-01", 0)


async def test_an_office_prefix_covers_its_offices_and_other_jurisdictions_are_refused(marriage, secrets):
    office = office_code()
    await stub(marriage).RegisterMarriage(register_request(office=office), metadata=registrar(secrets))
    mine = await figures(marriage, secrets, office, "2024-03-01", "2024-03-01", jurisdiction=office)
    city = await figures(marriage, secrets, office[:4], "2024-03-01", "2024-03-01", jurisdiction=office[:4])
    assert mine.marriages_registered == 1 and city.marriages_registered >= 1
    # Without an office, the caller's own jurisdiction.
    own = await figures(marriage, secrets, "", "2024-03-01", "2024-03-01", jurisdiction=office)
    assert own.office_code == office

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await figures(marriage, secrets, office[:4], "2024-03-01", "2024-03-01", jurisdiction=office)
    assert (err.value.code(), reason_of(err.value)) == (
        grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_JURISDICTION")
    assert "不在您的管辖范围内" in err.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await figures(marriage, secrets, "42x", jurisdiction=office)
    assert reason_of(err.value) == "INVALID_OFFICE_CODE" and error_info(err.value).reason


async def test_each_figure_counts_its_own_documents(marriage, secrets, fake_clock):
    """补发 (BJ/BL) is not a 婚姻登记记录证明 (ZM); a court divorce is not a divorce registration; a
    registration revoked later stays one of the period's registrations (the year's figure does not
    change afterwards)."""
    office = office_code()
    s = stub(marriage)
    md = registrar(secrets)
    first_request, second_request = register_request(office=office), register_request(office=office)
    first = await s.RegisterMarriage(first_request, metadata=md)
    second = await s.RegisterMarriage(second_request, metadata=md)
    fake_clock.set(dt.date(2024, 3, 4))
    await s.ReissueCertificate(reissue_request(first.name, first_request.parties[0].id_number, office), metadata=md)
    await s.RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=second.name, court="赤壁市人民法院", document_number="(2024)鄂1281民初1号",
        effective_date="2024-03-04"), metadata=md)
    record = await s.ReissueCertificate(reissue_request(second.name, second_request.parties[1].id_number, office),
                                        metadata=md)
    assert record.document_number.startswith("ZM")
    await s.RevokeRegistration(pb.RevokeRegistrationRequest(
        request_id=unique(), name=first.name, authority=pb.REVOCATION_AUTHORITY_COURT,
        document_reference="(2024)鄂1281行初5号", reason="冒名登记"), metadata=md)

    stats = await figures(marriage, secrets, office, "2024-03-01", "2024-03-31")
    assert (stats.marriages_registered, stats.divorces_registered, stats.court_divorces) == (2, 0, 1)
    assert (stats.certificates_reissued, stats.record_certificates) == (1, 1)
    assert stats.registration_compliance_rate == 100.0 and stats.archive_rate == 100.0


async def import_archive(marriage, secrets, tmp_path, lines: list[str], jurisdiction: str) -> pb.ImportReport:
    path = tmp_path / f"archive-{jurisdiction}.csv"
    path.write_bytes((HEADER + "".join(line + "\n" for line in lines)).encode("gb18030"))
    return await stub(marriage).ImportHistoricalRecords(
        stream_file(path, unique("imp-")), metadata=registrar(secrets, jurisdiction, "archivist"))


async def correct(marriage, secrets, report: pb.ImportReport, jurisdiction: str, value: str) -> None:
    s = stub(marriage)
    (defect,) = (await s.ListDefects(pb.ListDefectsRequest(**{"import": report.name}),
                                     metadata=registrar(secrets, jurisdiction))).defects
    proposed = await s.ProposeCorrection(pb.ProposeCorrectionRequest(
        request_id=unique("rq-"), correction=pb.Correction(
            defect=defect.name, corrected_value=value, reason="依原始档案更正",
            evidence_reference="原始档案1990年结字第1号卷")), metadata=registrar(secrets, jurisdiction, "clerk-a"))
    approved = await s.ApproveCorrection(pb.ApproveCorrectionRequest(
        request_id=unique("rq-"), name=proposed.name), metadata=registrar(secrets, jurisdiction, "clerk-b"))
    assert approved.state == pb.CORRECTION_STATE_APPROVED


async def test_archives_are_counted_where_they_are_held_not_as_registrations(marriage, secrets, fake_clock,
                                                                             tmp_path):
    """A bureau's archive carries the retired office codes of its day (422302 蒲圻市 until 1998): its
    import, its corrections (瑕疵数据更正, of divorce rows too) and its court divorces are the
    custodian's work and count there — on the day done by the service's clock — while the archive's
    records are no registrations of the period."""
    bureau = office_code()
    vol = archive_volume()
    born = dt.date(1962, 4, 4)
    couples = [(person_id("M", born), person_id("F", born)) for _ in range(4)]
    (m1, w1), (m2, w2), (m3, w3), (m4, w4) = couples
    fake_clock.set(at(dt.date(2024, 5, 6), 9, 0))
    report = await import_archive(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1990){vol}第000001号,1990-05-05,结婚,钱国平,{m1},吴秀珍,{w1},422302",
        f"鄂蒲婚字(1990){vol}第000002号,1990-06-06,结婚,赵建华,{m2},孙丽,{w2},422302",
        f"鄂蒲婚字(1990){vol}第000003号,1990-07-07,结婚,周强,{m3},郑梅,{wrong_check(w3)},{bureau}",
    ], bureau)
    assert report.rows_imported == 3 and report.rows_with_defects == 1
    divorces = await import_archive(marriage, secrets, tmp_path, [
        f"鄂蒲离字(1995){vol}第000001号,1995-02-30,离婚,赵建华,{m2},孙丽,{w2},422302"], bureau)
    assert divorces.rows_with_defects == 1
    retired = await import_archive(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1991){vol}第000001号,1991-01-08,结婚,陈刚,{wrong_check(m4)},林芳,{w4},422302"], bureau)
    assert retired.rows_with_defects == 1

    fake_clock.set(at(dt.date(2024, 5, 7), 23, 30))  # 15:30 UTC: still the 7th in Beijing
    await correct(marriage, secrets, report, bureau, w3)
    await correct(marriage, secrets, divorces, bureau, "1995-03-01")
    await correct(marriage, secrets, retired, bureau, m4)
    status = await stub(marriage).GetMaritalStatus(pb.GetMaritalStatusRequest(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=m1), metadata=registrar(secrets, bureau))
    await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=status.marriage.name, court="赤壁市人民法院",
        document_number="(2024)鄂1281民初7号", effective_date="2024-05-07"), metadata=registrar(secrets, bureau))
    fake_clock.set(dt.date(2024, 6, 1))

    imported = await figures(marriage, secrets, bureau, "2024-05-06", "2024-05-06", jurisdiction=bureau)
    assert (imported.historical_imported, imported.corrections_approved) == (4, 0)
    corrected = await figures(marriage, secrets, bureau, "2024-05-07", "2024-05-07", jurisdiction=bureau)
    assert (corrected.historical_imported, corrected.corrections_approved, corrected.court_divorces) == (
        0, 3, 1)
    assert (await figures(marriage, secrets, bureau, "2024-05-08", "2024-05-08",
                          jurisdiction=bureau)).corrections_approved == 0
    # The archive's own years: its records, registrations of their day, none of Civic's registrations.
    archive_years = await figures(marriage, secrets, bureau, "1987-01-01", "2003-12-31", jurisdiction=bureau)
    assert archive_years.marriages_registered == 0 and archive_years.divorces_registered == 0
    assert archive_years.historical_imported == 0
