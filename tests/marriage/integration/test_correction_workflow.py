"""Corrections of historical records over gRPC: propose → approve by a second person → the record
changes, the original is kept, the defect is resolved; and the refusals on the way."""
from __future__ import annotations

import asyncio
import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from marriage.imports.records import read_original
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    archive_volume,
    audit_rows,
    outbox_events,
    outbox_events_with_headers,
    person_id,
    reason_of,
    register_request,
    rows,
    stub,
)
from tests.marriage.integration.test_import_archive import stream_file

HEADER = "证书编号,登记日期,类别,男方姓名,男方身份证号,女方姓名,女方身份证号,登记机关\n"


def clerk(secrets, name: str):
    return secrets.caller_metadata("marriage_registrar", subject=name)


def wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


async def import_rows_(marriage, secrets, tmp_path, lines: list[str]) -> pb.ImportReport:
    path = tmp_path / "archive.csv"
    path.write_bytes((HEADER + "".join(line + "\n" for line in lines)).encode("gb18030"))
    return await stub(marriage).ImportHistoricalRecords(stream_file(path, unique("imp-")),
                                                        metadata=clerk(secrets, "archivist"))


async def defect(marriage, secrets, report: pb.ImportReport, code: str) -> pb.Defect:
    found = await stub(marriage).ListDefects(pb.ListDefectsRequest(**{"import": report.name}, code=code),
                                             metadata=clerk(secrets, "clerk-a"))
    assert len(found.defects) == 1, found
    return found.defects[0]


async def approve(marriage, secrets, name: str, who: str) -> pb.Correction:
    return await stub(marriage).ApproveCorrection(
        pb.ApproveCorrectionRequest(request_id=unique("rq-"), name=name), metadata=clerk(secrets, who))


async def record_of(marriage, secrets, name: str) -> pb.Marriage:
    return await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=name),
                                            metadata=clerk(secrets, "clerk-a"))


async def status_defects(marriage, secrets, id_number: str) -> list[tuple[str, list[str]]]:
    """The person's records as the status look-up shows them, each with its open defects."""
    found = await stub(marriage).GetMaritalStatus(pb.GetMaritalStatusRequest(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=id_number), metadata=clerk(secrets, "clerk-a"))
    return [(r.name, list(r.defects)) for r in found.records]


def proposal(target: pb.Defect, value: str, **extra) -> pb.ProposeCorrectionRequest:
    return pb.ProposeCorrectionRequest(request_id=unique("rq-"), correction=pb.Correction(
        defect=target.name, corrected_value=value, reason="与户籍档案核对不符",
        evidence_reference="赤公户证〔2024〕15号", **extra))


async def test_second_person_approves_and_the_original_is_kept(marriage, secrets, tmp_path):
    vol = archive_volume()
    man, woman = person_id("M", dt.date(1958, 3, 1)), person_id("F", dt.date(1960, 5, 2))
    report = await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1984){vol}第000001号,1984-05-01,结婚,张建国,{man},李秀英,{wrong_check(woman)},421281"])
    s = stub(marriage)
    bad = await defect(marriage, secrets, report, "BAD_CHECK_DIGIT")
    assert (bad.field, bad.row_number, bad.resolved) == ("woman_id", 1, False)
    before = await record_of(marriage, secrets, bad.marriage)
    assert before.historical and list(before.defects) == ["BAD_CHECK_DIGIT"]
    assert await status_defects(marriage, secrets, man) == [(bad.marriage, ["BAD_CHECK_DIGIT"])]

    proposed = await s.ProposeCorrection(proposal(bad, woman), metadata=clerk(secrets, "clerk-a"))
    assert proposed.state == pb.CORRECTION_STATE_PROPOSED and proposed.marriage == bad.marriage
    assert proposed.original_value == wrong_check(woman)[:4] + "*" * 10 + wrong_check(woman)[-4:]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await approve(marriage, secrets, proposed.name, "clerk-a")
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert reason_of(refused.value) == "SAME_PERSON_APPROVAL"

    approved = await approve(marriage, secrets, proposed.name, "clerk-b")
    assert (approved.state, approved.proposed_by, approved.decided_by) == (
        pb.CORRECTION_STATE_APPROVED, "clerk-a", "clerk-b")

    after = await record_of(marriage, secrets, bad.marriage)
    assert list(after.defects) == []
    assert await status_defects(marriage, secrets, man) == [(bad.marriage, [])]
    resolved = await s.ListDefects(pb.ListDefectsRequest(**{"import": report.name}, include_resolved=True),
                                   metadata=clerk(secrets, "clerk-a"))
    assert [(d.code, d.resolved) for d in resolved.defects] == [("BAD_CHECK_DIGIT", True)]

    cipher = marriage.infra.cipher
    marriage_id = bad.marriage.split("/")[1]
    party = await rows(marriage, "SELECT id_enc FROM marriage_parties WHERE marriage_id = :m "
                                 "AND position = 1", m=marriage_id)
    assert cipher.decrypt(party[0].id_enc) == woman
    kept = await rows(marriage, "SELECT original_enc, corrected_enc FROM corrections WHERE id = :c",
                      c=proposed.name.split("/")[1])
    assert cipher.decrypt(kept[0].original_enc) == wrong_check(woman)
    assert cipher.decrypt(kept[0].corrected_enc) == woman
    original = await rows(marriage, "SELECT original_enc FROM import_rows WHERE marriage_id = :m",
                          m=marriage_id)
    assert read_original(cipher.decrypt(original[0].original_enc)).woman_id == wrong_check(woman)

    actions = [a.action for a in await audit_rows(marriage, proposed.name)]
    assert actions == ["correction.propose", "correction.approve"]
    record_audit = await audit_rows(marriage, bad.marriage, "historical_record.correct")
    assert [(a.actor, a.after["correction"]) for a in record_audit] == [("clerk-b", proposed.name)]
    events = [e.correction.state for e in await outbox_events(marriage, "correction_changed",
                                                              events_pb2.CorrectionChanged)
              if e.correction.name == proposed.name]
    assert events == [pb.CORRECTION_STATE_PROPOSED, pb.CORRECTION_STATE_APPROVED]

    with pytest.raises(grpc.aio.AioRpcError) as again:
        await approve(marriage, secrets, proposed.name, "clerk-c")
    assert reason_of(again.value) == "CORRECTION_DECIDED"


async def test_a_corrected_date_makes_the_record_and_the_divorce_in_the_archive_ends_it(
        marriage, secrets, tmp_path):
    vol = archive_volume()
    man, woman = person_id("M", dt.date(1955, 1, 9)), person_id("F", dt.date(1957, 7, 7))
    report = await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1985){vol}第000002号,1985-02-30,结婚,王志强,{man},陈桂兰,{woman},421281",
        f"鄂蒲离字(1990){vol}第000001号,1990-01-01,离婚,王志强,{man},陈桂兰,{woman},421281"])
    s = stub(marriage)
    bad = await defect(marriage, secrets, report, "IMPOSSIBLE_DATE")
    assert (bad.field, bad.marriage) == ("register_date", "")  # no record without a real date

    proposed = await s.ProposeCorrection(proposal(bad, "1985年2月28日"), metadata=clerk(secrets, "clerk-a"))
    assert (proposed.original_value, proposed.corrected_value) == ("1985-02-30", "1985-02-28")
    approved = await approve(marriage, secrets, proposed.name, "supervisor-b")
    assert approved.marriage.startswith("marriages/")
    record = await record_of(marriage, secrets, approved.marriage)
    assert (record.register_date, record.state, record.end_date, record.end_reference) == (
        "1985-02-28", pb.MARRIAGE_STATE_DIVORCED, "1990-01-01", f"鄂蒲离字(1990){vol}第000001号")
    assert record.historical and list(record.defects) == []
    status = await s.GetMaritalStatus(
        pb.GetMaritalStatusRequest(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=man),
        metadata=clerk(secrets, "clerk-a"))
    assert status.status == pb.MARITAL_STATUS_DIVORCED


async def test_rejected_correction_changes_nothing(marriage, secrets, tmp_path):
    vol = archive_volume()
    man, woman = person_id("M", dt.date(1962, 2, 3)), person_id("F", dt.date(1963, 4, 5))
    report = await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1988){vol}第000003号,1988-10-01,结婚,,{man},刘玉兰,{woman},421281"])
    s = stub(marriage)
    missing = await defect(marriage, secrets, report, "MISSING_FIELD")
    proposed = await s.ProposeCorrection(proposal(missing, "周德福"), metadata=clerk(secrets, "clerk-a"))
    assert (proposed.field, proposed.original_value) == ("man_name", "")
    with pytest.raises(grpc.aio.AioRpcError) as own:
        await s.RejectCorrection(pb.RejectCorrectionRequest(request_id=unique("rq-"), name=proposed.name,
                                                            reason="撤回"), metadata=clerk(secrets, "clerk-a"))
    assert reason_of(own.value) == "SAME_PERSON_APPROVAL"
    rejected = await s.RejectCorrection(pb.RejectCorrectionRequest(
        request_id=unique("rq-"), name=proposed.name, reason="证明材料不足"), metadata=clerk(secrets, "clerk-b"))
    assert (rejected.state, rejected.decided_by) == (pb.CORRECTION_STATE_REJECTED, "clerk-b")

    still = await defect(marriage, secrets, report, "MISSING_FIELD")
    assert not still.resolved
    record = await record_of(marriage, secrets, missing.marriage)
    assert record.parties[0].name == "" and list(record.defects) == ["MISSING_FIELD"]
    listed = await s.ListCorrections(
        pb.ListCorrectionsRequest(state=pb.CORRECTION_STATE_REJECTED, page_size=1000),
        metadata=clerk(secrets, "clerk-a"))
    assert proposed.name in {c.name for c in listed.corrections}
    assert [a.reason for a in await audit_rows(marriage, proposed.name, "correction.reject")] == ["证明材料不足"]


async def test_proposals_that_are_refused(marriage, secrets, tmp_path):
    vol = archive_volume()
    man, woman = person_id("M", dt.date(1961, 6, 6)), person_id("F", dt.date(1962, 8, 8))
    report = await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1986){vol}第000004号,1986-03-01,结婚,赵卫东,{wrong_check(man)},孙冬梅,{woman},421281"])
    s = stub(marriage)
    md = clerk(secrets, "clerk-a")
    bad = await defect(marriage, secrets, report, "BAD_CHECK_DIGIT")

    async def refused(request: pb.ProposeCorrectionRequest) -> tuple[grpc.StatusCode, str]:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await s.ProposeCorrection(request, metadata=md)
        return err.value.code(), reason_of(err.value)

    assert await refused(proposal(bad, woman)) == (grpc.StatusCode.INVALID_ARGUMENT, "SEX_MISMATCH")
    assert await refused(proposal(bad, man[:17])) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ID_NUMBER")
    no_evidence = proposal(bad, man)
    no_evidence.correction.evidence_reference = ""
    assert await refused(no_evidence) == (grpc.StatusCode.INVALID_ARGUMENT, "EVIDENCE_REQUIRED")
    kind = proposal(bad, "离婚", field="kind")
    assert await refused(kind) == (grpc.StatusCode.FAILED_PRECONDITION, "KIND_NOT_CORRECTABLE")

    await s.ProposeCorrection(proposal(bad, man), metadata=md)
    assert await refused(proposal(bad, man)) == (grpc.StatusCode.FAILED_PRECONDITION, "CORRECTION_PENDING")

    registered = await s.RegisterMarriage(register_request(), metadata=md)
    live = pb.ProposeCorrectionRequest(request_id=unique("rq-"), correction=pb.Correction(
        marriage=registered.name, field="woman_name", corrected_value="某某", reason="核对",
        evidence_reference="档案"))
    assert await refused(live) == (grpc.StatusCode.NOT_FOUND, "NOT_A_HISTORICAL_RECORD")


async def test_another_countys_registrar_neither_sees_nor_corrects_the_import(marriage, secrets, tmp_path):
    vol = archive_volume()
    man, woman = person_id("M", dt.date(1959, 9, 9)), person_id("F", dt.date(1961, 1, 1))
    path = tmp_path / "archive.csv"
    path.write_bytes((HEADER + f"鄂蒲婚字(1987){vol}第000005号,1987-05-05,结婚,钱国平,{man},吴秀珍,"
                      f"{wrong_check(woman)},422302\n").encode("gb18030"))
    chibi = secrets.caller_metadata("marriage_registrar", subject="chibi-a", jurisdiction="421281")
    report = await stub(marriage).ImportHistoricalRecords(stream_file(path, unique("imp-")), metadata=chibi)
    s = stub(marriage)
    own = await s.ListDefects(pb.ListDefectsRequest(**{"import": report.name}), metadata=chibi)
    (bad,) = own.defects  # the record keeps its 1987 office code 422302 (蒲圻市): the import decides

    xianan = secrets.caller_metadata("marriage_registrar", subject="xianan-a", jurisdiction="421202")
    listed = await s.ListDefects(pb.ListDefectsRequest(page_size=1000), metadata=xianan)
    assert bad.name not in {d.name for d in listed.defects}
    for call in (s.ListDefects(pb.ListDefectsRequest(**{"import": report.name}), metadata=xianan),
                 s.ProposeCorrection(proposal(bad, woman), metadata=xianan)):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await call
        assert (refused.value.code(), reason_of(refused.value)) == (
            grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_JURISDICTION")

    typed = proposal(bad, woman)
    typed.correction.reason = f"与户籍档案核对不符，正确号码为{woman}"
    proposed = await s.ProposeCorrection(typed, metadata=chibi)
    assert proposed.reason == typed.correction.reason  # the office's own record keeps what was typed
    # The events — the change feed — name the office holding the archive (the feed shows them to
    # that jurisdiction, not to 咸安区), and the ID number typed into the reason leaves masked.
    [(event, headers)] = [(e, h) for e, h in await outbox_events_with_headers(
        marriage, "correction_changed", events_pb2.CorrectionChanged) if e.correction.name == proposed.name]
    assert headers["Civic-Office"] == "421281" and woman not in str(event)
    assert event.correction.reason == f"与户籍档案核对不符，正确号码为{woman[:4]}{'*' * 10}{woman[-4:]}"
    [completed] = [h for e, h in await outbox_events_with_headers(
        marriage, "historical_import_completed", events_pb2.HistoricalImportCompleted)
        if e.report.name == report.name]
    assert completed["Civic-Office"] == "421281"
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await s.ApproveCorrection(pb.ApproveCorrectionRequest(request_id=unique("rq-"), name=proposed.name),
                                  metadata=xianan)
    assert reason_of(refused.value) == "OUT_OF_JURISDICTION"
    queue = await s.ListCorrections(pb.ListCorrectionsRequest(page_size=1000), metadata=xianan)
    assert proposed.name not in {c.name for c in queue.corrections}
    chibi_b = secrets.caller_metadata("marriage_registrar", subject="chibi-b", jurisdiction="421281")
    approved = await s.ApproveCorrection(
        pb.ApproveCorrectionRequest(request_id=unique("rq-"), name=proposed.name), metadata=chibi_b)
    assert approved.state == pb.CORRECTION_STATE_APPROVED


async def test_two_approvers_and_a_rejecter_at_once_decide_a_correction_once(marriage, secrets, tmp_path):
    """Three second persons act on one proposal at the same moment: one decision stands, the others
    are refused (CORRECTION_DECIDED), and the record, its claims and its audit agree with it."""
    vol = archive_volume()
    man, woman = person_id("M", dt.date(1958, 3, 1)), person_id("F", dt.date(1960, 5, 2))
    report = await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1984){vol}第000001号,1984-05-01,结婚,张建国,{man},李秀英,{wrong_check(woman)},421281"])
    bad = await defect(marriage, secrets, report, "BAD_CHECK_DIGIT")
    s = stub(marriage)
    proposed = await s.ProposeCorrection(proposal(bad, woman), metadata=clerk(secrets, "clerk-a"))
    results = await asyncio.gather(
        approve(marriage, secrets, proposed.name, "clerk-b"), approve(marriage, secrets, proposed.name, "clerk-c"),
        s.RejectCorrection(pb.RejectCorrectionRequest(request_id=unique("rq-"), name=proposed.name, reason="证据不足"),
                           metadata=clerk(secrets, "clerk-d")), return_exceptions=True)
    decided = [r for r in results if isinstance(r, pb.Correction)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(decided) == 1 and len(refused) == 2, results
    assert {reason_of(e) for e in refused} == {"CORRECTION_DECIDED"}
    (stored,) = await rows(marriage, "SELECT state, decided_by FROM corrections WHERE id = :c",
                           c=proposed.name.split("/")[1])
    assert (stored.state, stored.decided_by) == (pb.CorrectionState.Name(decided[0].state).removeprefix("CORRECTION_STATE_"),
                                                 decided[0].decided_by)
    approved = decided[0].state == pb.CORRECTION_STATE_APPROVED
    marriage_id = bad.marriage.split("/")[1]
    assert len(await audit_rows(marriage, bad.marriage, "historical_record.correct")) == (1 if approved else 0)
    claims = {bytes(r.party_hash) for r in await rows(
        marriage, "SELECT party_hash FROM current_spouses WHERE marriage_id = :m", m=marriage_id)}
    parties = {bytes(r.id_hash) for r in await rows(
        marriage, "SELECT id_hash FROM marriage_parties WHERE marriage_id = :m", m=marriage_id)}
    assert claims == parties  # the REGISTERED record's claims are its parties', whichever decision stood
    assert list((await record_of(marriage, secrets, bad.marriage)).defects) == ([] if approved else ["BAD_CHECK_DIGIT"])


async def test_a_corrected_party_married_on_another_record_is_flagged_not_claimed_twice(
        marriage, secrets, tmp_path):
    """The archive's woman, once her number is corrected, is married now on a later record (the
    archive lacks the divorce between): the correction stands, her current marriage stays the later
    one, and the archive row is flagged OVERLAPPING_MARRIAGE as the import flags an overlap."""
    vol = archive_volume()
    man, typed = person_id("M", dt.date(1958, 3, 1)), person_id("F", dt.date(1960, 5, 2))
    report = await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1984){vol}第000002号,1984-05-01,结婚,张建国,{man},李秀英,{wrong_check(typed)},421281"])
    woman = person_id("F", dt.date(1961, 7, 8))  # whom the hukou record shows she is: married since, here
    later = await stub(marriage).RegisterMarriage(register_request(woman=woman), metadata=clerk(secrets, "clerk-a"))
    bad = await defect(marriage, secrets, report, "BAD_CHECK_DIGIT")
    proposed = await stub(marriage).ProposeCorrection(proposal(bad, woman), metadata=clerk(secrets, "clerk-a"))
    await approve(marriage, secrets, proposed.name, "clerk-b")

    [claim] = await rows(marriage, "SELECT c.marriage_id FROM current_spouses c JOIN marriage_parties p "
                                   "ON p.id_hash = c.party_hash WHERE p.marriage_id = :m AND p.position = 1",
                         m=later.name.split("/")[1])
    assert str(claim.marriage_id) == later.name.split("/")[1]  # still the later record's
    flagged = await s_defects(marriage, secrets, report, "OVERLAPPING_MARRIAGE")
    assert [(d.field, d.marriage, d.resolved) for d in flagged] == [("woman_id", bad.marriage, False)]
    assert list((await record_of(marriage, secrets, bad.marriage)).defects) == ["OVERLAPPING_MARRIAGE"]

    # Corrected again, to another woman married since: the row stays flagged once, not twice.
    other = person_id("F", dt.date(1962, 1, 9))
    await stub(marriage).RegisterMarriage(register_request(woman=other), metadata=clerk(secrets, "clerk-a"))
    again = await stub(marriage).ProposeCorrection(pb.ProposeCorrectionRequest(
        request_id=unique("rq-"), correction=pb.Correction(
            marriage=bad.marriage, field="woman_id", corrected_value=other, reason="户籍档案复核",
            evidence_reference="赤公户证〔2024〕16号")), metadata=clerk(secrets, "clerk-a"))
    await approve(marriage, secrets, again.name, "clerk-b")
    flagged = await s_defects(marriage, secrets, report, "OVERLAPPING_MARRIAGE")
    assert [(d.field, d.resolved) for d in flagged] == [("woman_id", False)]


async def s_defects(marriage, secrets, report: pb.ImportReport, code: str) -> list[pb.Defect]:
    found = await stub(marriage).ListDefects(pb.ListDefectsRequest(**{"import": report.name}, code=code),
                                             metadata=clerk(secrets, "clerk-a"))
    return list(found.defects)


async def test_an_id_excel_stored_as_a_number_is_flagged_claims_no_one_and_is_corrected(
        marriage, secrets, tmp_path):
    """An XLSX whose man's ID cell is a number: the sheet holds 15 significant digits. Before, the
    import read 18 digits nobody typed and, with the check character replaced, made another man
    (the one that number names) married in the status look-up. Now the row is flagged
    ID_STORED_AS_NUMBER, no one is claimed, and a correction from the paper file links the man."""
    import openpyxl
    from marriage.domain.history import canonical_id

    vol = archive_volume()
    woman = person_id("F", dt.date(1960, 5, 2))
    while True:  # a man whose digits before the check character a number cell loses (most numbers)
        man = person_id("M", dt.date(1958, 3, 1))
        # A cell holds a double: what reads back is float(int(man)), whichever way it was written.
        if man[-1] != "X" and canonical_id(str(int(float(int(man)))))[0] != man \
                and canonical_id(str(int(float(f"{int(man):.15g}"))))[0] != man:
            break
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("档案")
    sheet.append(HEADER.strip().split(","))
    sheet.append([f"鄂蒲婚字(1984){vol}第000001号", dt.date(1984, 5, 1), "结婚", "张建国", int(man),
                  "李秀英", woman, "421281"])
    path = tmp_path / "archive.xlsx"
    book.save(path)
    held = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    as_read = list(held.iter_rows(min_row=2, values_only=True))[0][4]
    assert isinstance(as_read, float) and str(int(as_read)) != man
    someone_else = canonical_id(str(int(as_read)))[0]  # whom the invented digits named
    assert someone_else != man

    report = await stub(marriage).ImportHistoricalRecords(
        stream_file(path, unique("imp-"), pb.IMPORT_FORMAT_XLSX), metadata=clerk(secrets, "archivist"))
    assert (report.rows_read, report.rows_imported, report.rows_with_defects) == (1, 1, 1)
    assert [(c.code, c.count) for c in report.defects] == [("ID_STORED_AS_NUMBER", 1)]
    flagged = await defect(marriage, secrets, report, "ID_STORED_AS_NUMBER")
    assert flagged.field == "man_id" and "男方" not in flagged.message and "数字" in flagged.message
    assert await status_defects(marriage, secrets, someone_else) == []
    assert await status_defects(marriage, secrets, man) == []  # not linked until corrected
    assert await status_defects(marriage, secrets, woman) == [(flagged.marriage, ["ID_STORED_AS_NUMBER"])]

    proposed = await stub(marriage).ProposeCorrection(proposal(flagged, man), metadata=clerk(secrets, "clerk-a"))
    await approve(marriage, secrets, proposed.name, "clerk-b")
    record = await record_of(marriage, secrets, flagged.marriage)
    assert list(record.defects) == [] and record.state == pb.MARRIAGE_STATE_REGISTERED
    assert await status_defects(marriage, secrets, man) == [(flagged.marriage, [])]
    assert await status_defects(marriage, secrets, woman) == [(flagged.marriage, [])]
    assert await status_defects(marriage, secrets, someone_else) == []
    status = await stub(marriage).GetMaritalStatus(pb.GetMaritalStatusRequest(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=man), metadata=clerk(secrets, "clerk-a"))
    assert status.status == pb.MARITAL_STATUS_MARRIED


async def test_a_correction_that_makes_a_new_defect_flags_it(marriage, secrets, tmp_path):
    """A corrected date at which the man was under the legal age then (1980 law: 22): before, the
    approval resolved the date's defect and flagged nothing, so the record looked clean. Now the
    row's checks run on the corrected values and what they newly find is flagged, on the record
    and in the status look-up alike."""
    vol = archive_volume()
    man, woman = person_id("M", dt.date(1963, 3, 1)), person_id("F", dt.date(1962, 5, 2))
    report = await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1985){vol}第000009号,1985-02-30,结婚,刘建华,{man},周秀兰,{woman},421281"])
    bad = await defect(marriage, secrets, report, "IMPOSSIBLE_DATE")
    proposed = await stub(marriage).ProposeCorrection(proposal(bad, "1984-01-05"),
                                                      metadata=clerk(secrets, "clerk-a"))
    approved = await approve(marriage, secrets, proposed.name, "clerk-b")

    record = await record_of(marriage, secrets, approved.marriage)
    assert list(record.defects) == ["BELOW_LEGAL_AGE_AT_TIME"]
    assert await status_defects(marriage, secrets, man) == [(approved.marriage, ["BELOW_LEGAL_AGE_AT_TIME"])]
    listed = await stub(marriage).ListDefects(pb.ListDefectsRequest(**{"import": report.name}, include_resolved=True),
                                              metadata=clerk(secrets, "clerk-a"))
    assert sorted((d.code, d.field, d.resolved, d.marriage) for d in listed.defects) == [
        ("BELOW_LEGAL_AGE_AT_TIME", "man_id", False, approved.marriage),
        ("IMPOSSIBLE_DATE", "register_date", True, approved.marriage)]
    new = next(d for d in listed.defects if d.code == "BELOW_LEGAL_AGE_AT_TIME")
    assert "法定婚龄" in new.message


async def test_a_refusal_for_a_defective_archive_record_says_it_is_to_be_verified(marriage, secrets, tmp_path):
    """A wrong check digit in an archive is replaced and the row linked to the person the first 17
    digits name — who may be someone else if the slip was elsewhere in the number. When that record
    stands in the way of a registration, the refusal names it and says it is defective, so the
    window checks the paper file and proposes a correction instead of turning the couple away."""
    vol = archive_volume()
    man, woman = person_id("M", dt.date(1958, 3, 1)), person_id("F", dt.date(1960, 5, 2))
    await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1984){vol}第000003号,1984-05-01,结婚,张建国,{man},李秀英,{wrong_check(woman)},421281"])
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).RegisterMarriage(register_request(woman=woman), metadata=clerk(secrets, "clerk-a"))
    assert reason_of(err.value) == "PARTY_ALREADY_MARRIED"
    assert f"鄂蒲婚字(1984){vol}第000003号，1984-05-01 登记" in err.value.details()
    assert "历史档案" in err.value.details() and "瑕疵" in err.value.details() and "更正" in err.value.details()
