"""Blank certificate booklets (空白证书) over gRPC: receive, use, void, list — refusals by reason,
retries by request_id, jurisdiction, audit rows, outbox events, and two windows on one blank."""
import asyncio
import datetime as dt
import random
import string

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from marriage.app import blanks
from marriage.domain.blanks import BlankKind
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    acceptance,
    agreement,
    audit_rows,
    office_code,
    outbox_events,
    reason_of,
    register_request,
    reissue_request,
    rows,
    stub,
)

MARRIAGE, DIVORCE = pb.CERTIFICATE_BLANK_KIND_MARRIAGE, pb.CERTIFICATE_BLANK_KIND_DIVORCE
_used_prefixes: set[str] = set()


def prefix() -> str:
    """Four fresh letters: the serials of one test are met by no other in the run's database."""
    while True:
        letters = "".join(random.choices(string.ascii_uppercase, k=4))
        if letters not in _used_prefixes:
            _used_prefixes.add(letters)
            return letters


def md(secrets, *roles, jurisdiction: str = ""):
    return secrets.caller_metadata(*(roles or REGISTRAR), jurisdiction=jurisdiction)


async def refused(call, request, metadata) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call(request, metadata=metadata)
    return err.value


def receive_request(office: str, first: str, last: str, kind=MARRIAGE, **extra) -> pb.ReceiveCertificateBlanksRequest:
    return pb.ReceiveCertificateBlanksRequest(request_id=unique("rb-"), office_code=office, kind=kind,
                                              first_serial=first, last_serial=last, **extra)


def use_request(office: str, serial: str, number: str, kind=MARRIAGE, **extra) -> pb.UseCertificateBlankRequest:
    return pb.UseCertificateBlankRequest(request_id=unique("ub-"), office_code=office, kind=kind, serial=serial,
                                         document_number=number, **extra)


def void_request(office: str, serial: str, reason: str, kind=MARRIAGE) -> pb.VoidCertificateBlankRequest:
    return pb.VoidCertificateBlankRequest(request_id=unique("vb-"), office_code=office, kind=kind, serial=serial,
                                          reason=reason)


async def stock(service, secrets, office: str, kind=MARRIAGE) -> tuple[int, int, int]:
    found = await stub(service).ListCertificateBlanks(pb.ListCertificateBlanksRequest(
        office_code=office, kind=kind, page_size=1), metadata=md(secrets, "auditor"))
    (s,) = found.stock
    return s.in_stock, s.used, s.voided


HUSBAND_OF: dict[str, str] = {}  # marriages/{id} → the man's resident ID (a reissue names its applicant)


async def office_with_blanks(service, secrets, count: int, couples: int = 1):
    """A fresh office holding ``count`` 结婚证 blanks (<letters>000001…) and ``couples`` marriages
    registered there: the stub, the office, the serials' letters and the marriages."""
    office, p = office_code(), prefix()
    api = stub(service)
    await api.ReceiveCertificateBlanks(receive_request(office, f"{p}000001", f"{p}{count:06d}"), metadata=md(secrets))
    married = []
    for _ in range(couples):
        request = register_request(office=office)
        married.append(await api.RegisterMarriage(request, metadata=md(secrets)))
        HUSBAND_OF[married[-1].name] = request.parties[0].id_number
    return api, office, p, married


async def test_receive_use_void_and_the_stock(marriage, secrets):
    office, p = office_code(), prefix()
    api = stub(marriage)
    got = await api.ReceiveCertificateBlanks(receive_request(office, f"{p.lower()} 00000001", f"{p}00000010"),
                                             metadata=md(secrets))
    assert (got.first_serial, got.last_serial, got.count, got.received_date) == \
        (f"{p}00000001", f"{p}00000010", 10, "2024-03-01")
    assert (got.stock.in_stock, got.stock.used, got.stock.voided) == (10, 0, 0)
    m = await api.RegisterMarriage(register_request(office=office), metadata=md(secrets))
    used = await api.UseCertificateBlank(use_request(office, f"{p}00000001", m.certificate_number.lower()),
                                         metadata=md(secrets))
    assert used.state == pb.CERTIFICATE_BLANK_STATE_USED and used.document_number == m.certificate_number
    assert used.marriage == m.name and used.used_date == "2024-03-01"
    voided = await api.VoidCertificateBlank(void_request(office, f"{p}00000002", "卡纸"), metadata=md(secrets))
    assert voided.state == pb.CERTIFICATE_BLANK_STATE_VOIDED and voided.void_reason == "卡纸"
    assert await stock(marriage, secrets, office) == (8, 1, 1)
    listed = await api.ListCertificateBlanks(pb.ListCertificateBlanksRequest(
        office_code=office, state=pb.CERTIFICATE_BLANK_STATE_IN_STOCK, page_size=5), metadata=md(secrets, "supervisor"))
    assert [b.serial for b in listed.blanks] == [f"{p}0000000{n}" for n in range(3, 8)] and listed.next_page_token
    assert {s.kind for s in listed.stock} == {MARRIAGE, DIVORCE}
    rest = await api.ListCertificateBlanks(pb.ListCertificateBlanksRequest(
        office_code=office, state=pb.CERTIFICATE_BLANK_STATE_IN_STOCK, page_size=5, page_token=listed.next_page_token),
        metadata=md(secrets))
    assert [b.serial for b in rest.blanks] == [f"{p}00000008", f"{p}00000009", f"{p}00000010"]
    assert not rest.next_page_token


async def test_a_receipt_overlapping_one_before_is_refused_as_a_whole(marriage, secrets):
    office, p = office_code(), prefix()
    api = stub(marriage)
    await api.ReceiveCertificateBlanks(receive_request(office, f"{p}000100", f"{p}000199"), metadata=md(secrets))
    err = await refused(api.ReceiveCertificateBlanks, receive_request(office_code(), f"{p}000050", f"{p}000150"),
                        md(secrets))
    assert err.code() == grpc.StatusCode.ALREADY_EXISTS and reason_of(err) == "BLANKS_ALREADY_RECEIVED"
    assert f"{p}000100" in err.details() and "整批未入库" in err.details()
    (n,) = await rows(marriage, "SELECT count(*) AS n FROM certificate_blanks WHERE serial LIKE :p", p=f"{p}%")
    assert n.n == 100  # none of 050–099 went in
    # The same serials are another booklet when of the other kind.
    await api.ReceiveCertificateBlanks(receive_request(office, f"{p}000100", f"{p}000100", DIVORCE), metadata=md(secrets))


async def test_a_receipt_is_checked_before_anything_is_written(marriage, secrets):
    office, p = office_code(), prefix()
    api = stub(marriage)
    err = await refused(api.ReceiveCertificateBlanks, receive_request(office, f"{p}000001", f"{p}005001"), md(secrets))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and reason_of(err) == "BLANK_RANGE_TOO_LARGE"
    err = await refused(api.ReceiveCertificateBlanks, receive_request(office, f"{p}000009", f"{p}000001"), md(secrets))
    assert reason_of(err) == "INVALID_BLANK_RANGE"
    err = await refused(api.ReceiveCertificateBlanks,
                        receive_request(office, f"{p}000001", f"{p}000002", pb.CERTIFICATE_BLANK_KIND_UNSPECIFIED),
                        md(secrets))
    assert reason_of(err) == "BLANK_KIND_REQUIRED"
    err = await refused(api.ReceiveCertificateBlanks,
                        receive_request(office, f"{p}000001", f"{p}000002", received_date="2024-03-02"), md(secrets))
    assert reason_of(err) == "DATE_IN_FUTURE"
    assert await stock(marriage, secrets, office) == (0, 0, 0)
    got = await api.ReceiveCertificateBlanks(receive_request(office, f"{p}000001", f"{p}005000"), metadata=md(secrets))
    assert got.count == 5000 and got.stock.in_stock == 5000


async def test_a_blank_is_used_once_and_only_for_its_kind_of_document(marriage, secrets, fake_clock):
    api, office, p, (m,) = await office_with_blanks(marriage, secrets, 5)
    await api.ReceiveCertificateBlanks(receive_request(office, f"{p}000001", f"{p}000005", DIVORCE),
                                       metadata=md(secrets))
    await api.UseCertificateBlank(use_request(office, f"{p}000001", m.certificate_number), metadata=md(secrets))
    err = await refused(api.UseCertificateBlank, use_request(office, f"{p}000001", m.certificate_number), md(secrets))
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION and reason_of(err) == "BLANK_NOT_IN_STOCK"
    assert f"已用于打印 {m.certificate_number}" in err.details()
    err = await refused(api.UseCertificateBlank, use_request(office, f"{p}000002", m.certificate_number, DIVORCE),
                        md(secrets))
    assert reason_of(err) == "BLANK_KIND_MISMATCH"
    # Divorced by registration: its L… goes on a 离婚证 blank, linked to the marriage.
    fake_clock.set(dt.date(2024, 3, 4))
    app = await api.ApplyDivorce(pb.ApplyDivorceRequest(**acceptance(), request_id=unique(), marriage=m.name,
                                                        office_code=office, agreement=agreement()),
                                 metadata=md(secrets))
    fake_clock.set(dt.date(2024, 4, 8))
    divorced = await api.RegisterDivorce(pb.RegisterDivorceRequest(
        request_id=unique(), name=app.name, office_code=office, both_present=True), metadata=md(secrets))
    used = await api.UseCertificateBlank(use_request(office, f"{p}000002", divorced.certificate_number, DIVORCE,
                                                     marriage=m.name), metadata=md(secrets))
    assert used.marriage == m.name and used.used_date == "2024-04-08"
    err = await refused(api.UseCertificateBlank, use_request(office, f"{p}000003", divorced.certificate_number),
                        md(secrets))
    assert reason_of(err) == "BLANK_KIND_MISMATCH"


async def test_the_document_must_be_one_a_record_issued(marriage, secrets):
    api, office, p, (one, other) = await office_with_blanks(marriage, secrets, 3, couples=2)
    err = await refused(api.UseCertificateBlank, use_request(office, f"{p}000001", f"J{office}-2024-000999"),
                        md(secrets))
    assert err.code() == grpc.StatusCode.NOT_FOUND and reason_of(err) == "CERTIFICATE_NOT_FOUND"
    err = await refused(api.UseCertificateBlank,
                        use_request(office, f"{p}000001", other.certificate_number, marriage=one.name), md(secrets))
    assert err.code() == grpc.StatusCode.NOT_FOUND and reason_of(err) == "CERTIFICATE_NOT_OF_RECORD"
    err = await refused(api.UseCertificateBlank, use_request(office, f"{p}000001", "J-2024-1"), md(secrets))
    assert reason_of(err) == "INVALID_CERTIFICATE_NUMBER"
    err = await refused(api.UseCertificateBlank, use_request(office, f"{p}000099", one.certificate_number),
                        md(secrets))
    assert reason_of(err) == "BLANK_NOT_FOUND"
    err = await refused(api.UseCertificateBlank, use_request(office_code(), f"{p}000001", one.certificate_number),
                        md(secrets))
    assert reason_of(err) == "BLANK_NOT_FOUND"  # another office's stock
    # A replacement (BJ…) is a number of the certificates table: its record is linked.
    reissued = await api.ReissueCertificate(reissue_request(other.name, HUSBAND_OF[other.name], office),
                                            metadata=md(secrets))
    used = await api.UseCertificateBlank(use_request(office, f"{p}000001", reissued.document_number),
                                         metadata=md(secrets))
    assert used.marriage == other.name and used.document_number == reissued.document_number
    assert await stock(marriage, secrets, office) == (2, 1, 0)


async def test_void_from_stock_and_from_used_and_never_twice(marriage, secrets):
    api, office, p, (m,) = await office_with_blanks(marriage, secrets, 3)
    err = await refused(api.VoidCertificateBlank, void_request(office, f"{p}000001", " "), md(secrets))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and reason_of(err) == "BLANK_VOID_REASON_REQUIRED"
    await api.VoidCertificateBlank(void_request(office, f"{p}000001", "污损"), metadata=md(secrets))
    err = await refused(api.VoidCertificateBlank, void_request(office, f"{p}000001", "再次"), md(secrets))
    assert reason_of(err) == "BLANK_ALREADY_VOIDED"
    err = await refused(api.UseCertificateBlank, use_request(office, f"{p}000001", m.certificate_number), md(secrets))
    assert reason_of(err) == "BLANK_NOT_IN_STOCK" and "已作废（污损）" in err.details()
    # Printed, then found spoiled: voided with its number kept; the 字号 goes on another blank.
    await api.UseCertificateBlank(use_request(office, f"{p}000002", m.certificate_number), metadata=md(secrets))
    voided = await api.VoidCertificateBlank(void_request(office, f"{p}000002", "打印错位"), metadata=md(secrets))
    assert voided.state == pb.CERTIFICATE_BLANK_STATE_VOIDED and voided.document_number == m.certificate_number
    again = await api.UseCertificateBlank(use_request(office, f"{p}000003", m.certificate_number), metadata=md(secrets))
    assert again.state == pb.CERTIFICATE_BLANK_STATE_USED
    assert await stock(marriage, secrets, office) == (0, 1, 2)


async def test_one_number_goes_in_two_booklets_and_a_third_waits_for_a_void(marriage, secrets):
    """A 结婚证 is issued in two booklets under one 字号, one to each party; printed on a third
    without voiding a spoiled one, the number would be three certificates in circulation: refused,
    naming the blanks; the database has the last word."""
    api, office, p, (m,) = await office_with_blanks(marriage, secrets, 4)
    for serial in (f"{p}000001", f"{p}000002"):
        await api.UseCertificateBlank(use_request(office, serial, m.certificate_number), metadata=md(secrets))
    err = await refused(api.UseCertificateBlank, use_request(office, f"{p}000003", m.certificate_number),
                        md(secrets))
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION and reason_of(err) == "DOCUMENT_ALREADY_ON_BLANK"
    assert f"{p}000001、{p}000002" in err.details() and "作废" in err.details()
    assert await stock(marriage, secrets, office) == (2, 2, 0)
    await api.VoidCertificateBlank(void_request(office, f"{p}000001", "套印错位"), metadata=md(secrets))
    again = await api.UseCertificateBlank(use_request(office, f"{p}000003", m.certificate_number), metadata=md(secrets))
    assert again.state == pb.CERTIFICATE_BLANK_STATE_USED
    copies = await rows(marriage, "SELECT serial, copy FROM certificate_blanks WHERE document_number = :n "
                                  "AND state = 'USED' ORDER BY serial", n=m.certificate_number)
    assert [(r.serial, r.copy) for r in copies] == [(f"{p}000002", 2), (f"{p}000003", 1)]
    with pytest.raises(Exception, match="uq_certificate_blanks_document_copy_in_use"):
        await rows(marriage, "UPDATE certificate_blanks SET state = 'USED', document_number = :n, copy = 1 "
                             "WHERE serial = :s", n=m.certificate_number, s=f"{p}000004")


async def test_windows_printing_one_number_on_six_blanks_at_once_record_two(marriage, secrets):
    api, office, p, (m,) = await office_with_blanks(marriage, secrets, 6)
    results = await asyncio.gather(*(api.UseCertificateBlank(use_request(office, f"{p}{n:06d}", m.certificate_number),
                                                             metadata=md(secrets)) for n in range(1, 7)),
                                   return_exceptions=True)
    won = [r for r in results if isinstance(r, pb.CertificateBlank)]
    lost = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) == 2 and len(lost) == 4, results
    assert {reason_of(e) for e in lost} == {"DOCUMENT_ALREADY_ON_BLANK"}
    assert await stock(marriage, secrets, office) == (4, 2, 0)


async def test_a_retry_with_the_same_request_id_returns_the_first_answer(marriage, secrets):
    office, p = office_code(), prefix()
    api = stub(marriage)
    receipt = receive_request(office, f"{p}000001", f"{p}000004")
    first = await api.ReceiveCertificateBlanks(receipt, metadata=md(secrets))
    assert await api.ReceiveCertificateBlanks(receipt, metadata=md(secrets)) == first
    m = await api.RegisterMarriage(register_request(office=office), metadata=md(secrets))
    use = use_request(office, f"{p}000001", m.certificate_number)
    used = await api.UseCertificateBlank(use, metadata=md(secrets))
    assert await api.UseCertificateBlank(use, metadata=md(secrets)) == used
    void = void_request(office, f"{p}000002", "卡纸")
    voided = await api.VoidCertificateBlank(void, metadata=md(secrets))
    assert await api.VoidCertificateBlank(void, metadata=md(secrets)) == voided
    assert await stock(marriage, secrets, office) == (2, 1, 1)
    assert len(await audit_rows(marriage, f"certificateBlanks/MARRIAGE/{p}000001", "blanks.use")) == 1


async def test_changes_and_lists_stay_within_the_jurisdiction(marriage, secrets):
    office, p = office_code(), prefix()
    api = stub(marriage)
    elsewhere = md(secrets, jurisdiction="110105")
    err = await refused(api.ReceiveCertificateBlanks, receive_request(office, f"{p}000001", f"{p}000002"), elsewhere)
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED and reason_of(err) == "OUT_OF_JURISDICTION"
    await api.ReceiveCertificateBlanks(receive_request(office, f"{p}000001", f"{p}000002"), metadata=md(secrets))
    m = await api.RegisterMarriage(register_request(office=office), metadata=md(secrets))
    for call, request in ((api.UseCertificateBlank, use_request(office, f"{p}000001", m.certificate_number)),
                          (api.VoidCertificateBlank, void_request(office, f"{p}000001", "卡纸")),
                          (api.ListCertificateBlanks, pb.ListCertificateBlanksRequest(office_code=office))):
        assert reason_of(await refused(call, request, elsewhere)) == "OUT_OF_JURISDICTION"
    err = await refused(api.VoidCertificateBlank, void_request(office, f"{p}000001", "卡纸"), md(secrets, "supervisor"))
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED
    listed = await api.ListCertificateBlanks(pb.ListCertificateBlanksRequest(), metadata=md(secrets, "auditor",
                                                                                           jurisdiction=office))
    assert {b.office_code for b in listed.blanks} == {office} and len(listed.blanks) == 2


async def test_every_change_leaves_an_audit_row_and_an_event(marriage, secrets):
    api, office, p, (m,) = await office_with_blanks(marriage, secrets, 3)
    await api.UseCertificateBlank(use_request(office, f"{p}000001", m.certificate_number), metadata=md(secrets))
    await api.VoidCertificateBlank(void_request(office, f"{p}000001", "打印错位"), metadata=md(secrets))
    (received,) = await audit_rows(marriage, f"certificateBlanks/MARRIAGE/{p}000001-{p}000003", "blanks.receive")
    assert received.after["count"] == 3 and received.after["office_code"] == office and received.actor == "tester"
    use, void = await audit_rows(marriage, f"certificateBlanks/MARRIAGE/{p}000001")
    assert (use.action, use.before["state"], use.after["state"]) == ("blanks.use", "IN_STOCK", "USED")
    assert use.after["document_number"] == m.certificate_number
    assert (void.action, void.before["state"], void.after["state"], void.reason) == \
        ("blanks.void", "USED", "VOIDED", "打印错位")
    (event,) = [e for e in await outbox_events(marriage, "certificate_blanks_received",
                                               events_pb2.CertificateBlanksReceived) if e.first_serial.startswith(p)]
    assert (event.office_code, event.kind, event.last_serial, event.count) == (office, MARRIAGE, f"{p}000003", 3)
    changed = [e.blank for e in await outbox_events(marriage, "certificate_blank_changed",
                                                    events_pb2.CertificateBlankChanged)
               if e.blank.serial.startswith(p)]
    assert [b.state for b in changed] == [pb.CERTIFICATE_BLANK_STATE_USED, pb.CERTIFICATE_BLANK_STATE_VOIDED]
    assert changed[0].marriage == m.name


async def test_two_windows_using_one_blank_at_once_only_one_succeeds(marriage, secrets):
    api, office, p, (one, other) = await office_with_blanks(marriage, secrets, 1, couples=2)
    results = await asyncio.gather(*(api.UseCertificateBlank(use_request(office, f"{p}000001", m.certificate_number),
                                                             metadata=md(secrets)) for m in (one, other) * 4),
                                   return_exceptions=True)
    won = [r for r in results if isinstance(r, pb.CertificateBlank)]
    lost = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) == 1 and len(lost) == 7
    assert {reason_of(e) for e in lost} == {"BLANK_NOT_IN_STOCK"}
    (row,) = await rows(marriage, "SELECT state, document_number FROM certificate_blanks WHERE serial = :s",
                        s=f"{p}000001")
    assert (row.state, row.document_number) == ("USED", won[0].document_number)
    assert len(await audit_rows(marriage, f"certificateBlanks/MARRIAGE/{p}000001", "blanks.use")) == 1


async def test_a_window_waits_for_the_one_printing_on_its_blank_then_is_refused(marriage, secrets):
    """Deterministic: one window's use holds the blank (its transaction still open) while another
    asks for it; the second waits on the row lock and then sees the blank used — it never prints
    over the first (without the lock it would read IN_STOCK and overwrite the first use)."""
    api, office, p, (one, other) = await office_with_blanks(marriage, secrets, 1, couples=2)
    async with marriage.infra.uow() as uow:
        await blanks.use_blank(uow, office, BlankKind.MARRIAGE, f"{p}000001", one.certificate_number)
        second = asyncio.ensure_future(api.UseCertificateBlank(
            use_request(office, f"{p}000001", other.certificate_number), metadata=md(secrets)))
        await asyncio.sleep(0.5)
        assert not second.done()
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await second
    assert reason_of(err.value) == "BLANK_NOT_IN_STOCK" and one.certificate_number in err.value.details()


async def test_two_receipts_of_overlapping_ranges_at_once_only_one_goes_in(marriage, secrets):
    p = prefix()
    api = stub(marriage)
    results = await asyncio.gather(
        *(api.ReceiveCertificateBlanks(receive_request(office_code(), f"{p}000{n}00", f"{p}000{n + 1}99"),
                                       metadata=md(secrets)) for n in (1, 2)), return_exceptions=True)
    won = [r for r in results if isinstance(r, pb.ReceiveCertificateBlanksResponse)]
    lost = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) == 1 and [reason_of(e) for e in lost] == ["BLANKS_ALREADY_RECEIVED"]
    (n,) = await rows(marriage, "SELECT count(*) AS n FROM certificate_blanks WHERE serial LIKE :p", p=f"{p}%")
    assert n.n == 200
