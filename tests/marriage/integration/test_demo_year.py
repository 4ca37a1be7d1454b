"""The demo year reproduces the Chibi bureau's 2023 report: loaded into the test database for a
fresh office code (the demo takes the office as a parameter, so 421281's records of other tests
stay apart), GetStatistics over gRPC gives every figure of the report, the office holds its stock
of blank certificates (空白证书), and a second load adds nothing."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from civic.marriage.v1 import resources_pb2 as pb
from marriage.bootstrap import MIGRATIONS, build_spec
from marriage.demo import DEMO_BLANKS, REPORT_2023, DemoOffice, load_demo_year
from marriage.demo.plan import ARCHIVE_MARRIAGES
from marriage.domain.blanks import BlankKind
from marriage.settings import MarriageSettings
from pydantic import ValidationError

from tests.marriage.integration.marriage_support import office_code, rows, stub

SHARED = Path(__file__).resolve().parents[3].parent / "shared"  # beside the project (shared/README.md)
REPORT = SHARED / "seed" / "chibi-civil-affairs-2023-report.zh.txt"
# 婚姻登记 paragraph of the report: each figure, and the Statistics field that reports it.
FIGURES = {
    "marriages_registered": r"共办理结婚(\d+)对",
    "divorces_registered": r"离婚登记(\d+)对",
    "certificates_reissued": r"补发婚姻登记证(\d+)对",
    "registration_compliance_rate": r"登记合格率、归档率均达(\d+)%",
    "archive_rate": r"登记合格率、归档率均达(\d+)%",
    "corrections_approved": r"1987-2003年瑕疵数据(\d+)条",
    "counseling_received": r"接待调解(\d+)对",
    "counseling_reconciled": r"调解成功(\d+)对",
}
# ID numbers of other tests' people are issued in these counties (marriage_support.person_id).
OTHER_TESTS_ADDRESSES = {"421281", "420102", "110105", "440305"}
COUNTED = {
    "marriages": "SELECT count(*) FROM marriages WHERE office_code = :o",
    "divorce_applications": "SELECT count(*) FROM divorce_applications WHERE office_code = :o",
    "counseling_cases": "SELECT count(*) FROM counseling_cases WHERE office_code = :o",
    "certificates": "SELECT count(*) FROM certificates WHERE office_code = :o",
    "appointments": "SELECT count(*) FROM appointments WHERE office_code = :o",
    "certificate_blanks": "SELECT count(*) FROM certificate_blanks WHERE office_code = :o",
    "corrections": "SELECT count(*) FROM corrections c JOIN marriages m ON m.id = c.marriage_id "
                   "WHERE m.office_code = :o",
    "audit_rows": "SELECT count(*) FROM audit_log WHERE request_id LIKE 'demo-' || :o || '-%'",
    "events": "SELECT count(*) FROM outbox WHERE headers->>'Civic-Request-Id' LIKE 'demo-' || :o || '-%'",
}


def report_figures() -> dict[str, float]:
    """The figures as the report states them; the demo's constants when the report is not at hand."""
    if not REPORT.exists():
        return REPORT_2023.as_dict()
    text = REPORT.read_text(encoding="utf-8")
    found = {}
    for name, pattern in FIGURES.items():
        match = re.search(pattern, text)
        assert match is not None, f"{name}: {pattern} not in the report"
        found[name] = float(match[1]) if name.endswith("_rate") else int(match[1])
    return found


def fresh_office() -> DemoOffice:
    while (code := office_code()) in OTHER_TESTS_ADDRESSES:
        pass
    return DemoOffice.local(code)


async def counts(service, office: str) -> dict[str, int]:
    return {name: (await rows(service, sql, o=office))[0][0] for name, sql in COUNTED.items()}


async def divorces_were_applied_for_in_time(service, office: str) -> None:
    """Every divorce of the year was applied for 31 days or more before, on a marriage registered
    before the year, and registered within its issue period."""
    found = await rows(service, """
        SELECT count(*), min(a.closed_on - a.accepted_on), bool_and(m.register_date < DATE '2023-01-01'),
               bool_and(a.closed_on > a.cooling_off_end AND a.closed_on <= a.issue_deadline)
        FROM divorce_applications a JOIN marriages m ON m.id = a.marriage_id
        WHERE a.office_code = :o AND a.outcome = 'DIVORCED'""", o=office)
    divorced, shortest, married_before_the_year, within_periods = found[0]
    assert divorced == REPORT_2023.divorces_registered
    assert shortest >= 31 and married_before_the_year and within_periods


async def the_office_holds_its_blanks(service, secrets, office: DemoOffice) -> None:
    """The 空白证书 account is not empty on first start: a range of each kind received into stock on
    the first working day after the year (whose certificates were printed before the account began),
    with its audit rows — as a registrar receives them."""
    listed = await stub(service).ListCertificateBlanks(
        pb.ListCertificateBlanksRequest(office_code=office.code, page_size=1),
        metadata=secrets.caller_metadata("auditor", jurisdiction=office.code))
    assert {(s.kind, s.in_stock, s.used, s.voided) for s in listed.stock} == {
        (pb.CERTIFICATE_BLANK_KIND_MARRIAGE, DEMO_BLANKS[BlankKind.MARRIAGE], 0, 0),
        (pb.CERTIFICATE_BLANK_KIND_DIVORCE, DEMO_BLANKS[BlankKind.DIVORCE], 0, 0)}
    (first,) = listed.blanks
    assert first.received_date == "2024-01-02" and first.serial.startswith(office.code)
    receipts = await rows(service, "SELECT actor, office_code, after->>'count' FROM audit_log "
                                   "WHERE action = 'blanks.receive' AND office_code = :o", o=office.code)
    assert sorted(receipts) == sorted(
        ("marriage_registrar", office.code, str(n)) for n in DEMO_BLANKS.values())


async def test_the_demo_year_reproduces_the_report_and_loads_once(start_service, fake_clock, secrets):
    expected = report_figures()
    assert expected == REPORT_2023.as_dict()
    service = await start_service(build_spec(), MarriageSettings, MIGRATIONS, clock=fake_clock,
                                  lapse_sweep_interval_s=3600)
    office = fresh_office()

    first = await load_demo_year(service.infra.db, service.infra.cipher, office)
    print(f"demo year loaded in {first.seconds:.1f} s")

    assert first.loaded
    figures = await stub(service).GetStatistics(
        pb.GetStatisticsRequest(office_code=office.code, from_date="2023-01-01", to_date="2023-12-31"),
        metadata=secrets.caller_metadata("supervisor", subject="report-reader", jurisdiction=office.code))
    assert {name: getattr(figures, name) for name in expected} == expected
    assert figures == first.statistics
    # Around the report's figures, the year has what a registry's year has.
    assert figures.record_certificates > 0 and figures.divorce_withdrawn > 0
    assert figures.divorce_deemed_withdrawn > 0
    assert figures.divorce_applications > figures.divorces_registered
    # The townships' archive, imported on the year's first working day: every marriage row a record.
    assert figures.historical_imported == ARCHIVE_MARRIAGES
    await divorces_were_applied_for_in_time(service, office.code)
    # Every reissue names the party it was for (rules.md §1.6), husbands and wives alike.
    applicants = await rows(service, "SELECT party_position, by_proxy, count(*) FROM certificates "
                                     "WHERE office_code = :o AND kind <> 'L' GROUP BY 1, 2 ORDER BY 1", o=office.code)
    assert [(position, proxy) for position, proxy, _ in applicants] == [(0, False), (1, False)]
    assert sum(n for *_, n in applicants) == expected["certificates_reissued"] + figures.record_certificates

    await the_office_holds_its_blanks(service, secrets, office)

    before = await counts(service, office.code)
    assert before["marriages"] > expected["marriages_registered"] and before["audit_rows"] > 0
    again = await load_demo_year(service.infra.db, service.infra.cipher, office)
    assert not again.loaded and again.statistics == first.statistics
    assert await counts(service, office.code) == before


def test_demo_data_is_refused_in_production(infra):
    settings = infra.secrets.settings_kwargs(infra.database_url, infra.nats_url)
    assert MarriageSettings(**settings, environment="development", demo_data=True).demo_data
    with pytest.raises(ValidationError, match="development only"):
        MarriageSettings(**settings, environment="production", demo_data=True)
