"""ImportHistoricalRecords over real gRPC (client streaming, 64 KiB chunks), PostgreSQL and the
outbox, with the generated sample archive and its manifest of planted defects."""
from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from pathlib import Path

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from marriage.adapters.repository import open_defects_query
from marriage.imports.store import ImportStore
from marriage.tools.sample_archive import write_sample
from servicekit.testing.plugin import unique
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from tests.marriage.integration.marriage_support import audit_rows, outbox_events, pages, reason_of, rows, stub

CHUNK = 64 * 1024
FORMATS = {"csv": pb.IMPORT_FORMAT_CSV, "xlsx": pb.IMPORT_FORMAT_XLSX, "jsonl": pb.IMPORT_FORMAT_JSONL}
# Planted defects that leave a row without a marriage record: no usable date or kind, or unreadable.
_NO_RECORD = {("IMPOSSIBLE_DATE", "register_date"), ("MISSING_FIELD", "register_date"),
              ("MISSING_FIELD", "kind"), ("INVALID_VALUE", "kind"), ("PARSE_ERROR", "")}


async def stream_file(path: Path, request_id: str, fmt: int = pb.IMPORT_FORMAT_UNSPECIFIED,
                      encoding: str = "", chunk: int = CHUNK):
    """The file as the province platform or the UI sends it: header fields on the first chunk only."""
    with path.open("rb") as file:
        first = True
        while data := file.read(chunk):
            if first:
                yield pb.ImportHistoricalRecordsRequest(request_id=request_id, format=fmt, encoding=encoding,
                                     source_name=path.name, data=data)
                first = False
            else:
                yield pb.ImportHistoricalRecordsRequest(data=data)


def sample(tmp_path: Path, rows_: int, seed: int, fmt: str = "csv", **options) -> tuple[Path, dict]:
    out = tmp_path / f"archive-{seed}.{fmt}"
    write_sample(out, rows_, seed, fmt, **options)
    return out, json.loads((tmp_path / f"{out.name}.manifest.json").read_text(encoding="utf-8"))


async def all_defects(service, md, import_name: str) -> list[pb.Defect]:
    request = pb.ListDefectsRequest(**{"import": import_name}, include_resolved=True, page_size=1000)
    return [d async for page in pages(stub(service).ListDefects, request, md) for d in page.defects]


def assert_report_matches(report: pb.ImportReport, manifest: dict) -> None:
    assert report.rows_read == manifest["rows"]
    assert report.rows_unreadable == manifest["rows_unreadable"]
    assert report.rows_imported == manifest["rows"] - manifest["rows_unreadable"]
    assert report.rows_with_defects == manifest["rows_with_defects"]
    assert {c.code: c.count for c in report.defects} == manifest["counts"]


async def test_sample_archive_reports_every_planted_defect_and_nothing_else(marriage, secrets, tmp_path):
    path, manifest = sample(tmp_path, 10_000, seed=1, encoding="gb18030")
    md = secrets.caller_metadata("marriage_registrar", subject="archivist")
    report = await stub(marriage).ImportHistoricalRecords(
        stream_file(path, unique("imp-"), pb.IMPORT_FORMAT_CSV), metadata=md)

    assert_report_matches(report, manifest)
    planted = {(d["row"], d["code"], d["field"]) for d in manifest["defects"]}
    listed = await all_defects(marriage, md, report.name)
    assert {(d.row_number, d.code, d.field) for d in listed} == planted
    assert len(listed) == len(planted)

    import_id = report.name.split("/")[1]
    made = Counter((r.state, r.historical) for r in await rows(
        marriage, "SELECT state, historical FROM marriages WHERE import_id = :i", i=import_id))
    without_record = sum((d["code"], d["field"]) in _NO_RECORD for d in manifest["defects"])
    # Every divorce row ends the marriage it belongs to; every other marriage row is still registered.
    assert made == {("DIVORCED", True): manifest["divorces"],
                    ("REGISTERED", True): manifest["marriages"] - manifest["divorces"] - without_record}
    kept = await rows(marriage, "SELECT count(*) AS n FROM import_rows WHERE import_id = :i", i=import_id)
    assert kept[0].n == manifest["rows"]  # defective and unreadable rows are kept too

    audits = await audit_rows(marriage, report.name)
    assert [(a.action, a.actor) for a in audits] == [("historical_import.complete", "archivist")]
    completed = [e for e in await outbox_events(marriage, "historical_import_completed",
                                                events_pb2.HistoricalImportCompleted)
                 if e.report.name == report.name]
    assert len(completed) == 1 and completed[0].report == report


async def test_open_defects_leave_out_informational_notes_and_page(marriage, secrets, tmp_path):
    path, manifest = sample(tmp_path, 2_000, seed=2, encoding="utf-8")
    md = secrets.caller_metadata("marriage_registrar")
    report = await stub(marriage).ImportHistoricalRecords(stream_file(path, unique("imp-")), metadata=md)
    s = stub(marriage)

    open_ = await s.ListDefects(pb.ListDefectsRequest(**{"import": report.name}, page_size=1000), metadata=md)
    upgraded = manifest["counts"]["ID_UPGRADED_15"]
    assert open_.total_size == sum(manifest["counts"].values()) - upgraded
    assert "ID_UPGRADED_15" not in {d.code for d in open_.defects}
    by_code = await s.ListDefects(pb.ListDefectsRequest(
        **{"import": report.name}, code="ID_UPGRADED_15", page_size=7), metadata=md)
    assert by_code.total_size == upgraded and len(by_code.defects) == 7 and by_code.next_page_token
    assert all(d.marriage.startswith("marriages/") for d in by_code.defects)


async def test_retry_with_the_same_request_id_returns_the_first_report_and_adds_nothing(
        marriage, secrets, tmp_path):
    path, manifest = sample(tmp_path, 1_500, seed=3)
    md = secrets.caller_metadata("marriage_registrar")
    request_id = unique("imp-")
    first = await stub(marriage).ImportHistoricalRecords(stream_file(path, request_id), metadata=md)
    # The same file cut into other chunks (the gateway sends 1 MiB ones) is the same request.
    again = await stub(marriage).ImportHistoricalRecords(stream_file(path, request_id, chunk=10_000), metadata=md)

    assert again == first
    assert_report_matches(first, manifest)
    imports = await rows(marriage, "SELECT id FROM imports WHERE request_id = :r", r=request_id)
    assert [str(r.id) for r in imports] == [first.name.split("/")[1]]
    count = await rows(marriage, "SELECT count(*) AS n FROM import_rows WHERE import_id = :i",
                       i=imports[0].id)
    assert count[0].n == manifest["rows"]


async def test_the_same_request_id_on_another_file_or_from_another_caller_is_refused(
        marriage, secrets, tmp_path):
    """Answering with the first report would tell the integrator the second file was imported."""
    path, _ = sample(tmp_path, 300, seed=91)  # seeds no other test imports: the database is shared
    other, _ = sample(tmp_path, 300, seed=92)
    md = secrets.caller_metadata("marriage_registrar", scopes=("import.write",))
    request_id = unique("imp-")
    await stub(marriage).ImportHistoricalRecords(stream_file(path, request_id), metadata=md)
    elsewhere = secrets.caller_metadata("marriage_registrar", subject="registrar-elsewhere")
    for file, metadata in ((other, md), (path, elsewhere)):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub(marriage).ImportHistoricalRecords(stream_file(file, request_id), metadata=metadata)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "request_id" in err.value.details()
    assert len(await rows(marriage, "SELECT id FROM imports WHERE request_id = :r", r=request_id)) == 1


async def test_an_archive_sent_again_is_refused_and_one_that_overlaps_is_flagged(marriage, secrets, tmp_path):
    """A retry under a new request id would make every record twice: the same file is refused as a
    whole; the same rows in another file (another format, an overlapping volume) are imported, kept,
    and each repeat of a record already in the registry is flagged as the duplicate it is."""
    path, manifest = sample(tmp_path, 600, seed=93)
    md = secrets.caller_metadata("marriage_registrar")
    first = await stub(marriage).ImportHistoricalRecords(stream_file(path, unique("imp-")), metadata=md)
    assert_report_matches(first, manifest)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).ImportHistoricalRecords(stream_file(path, unique("imp-"), chunk=10_000), metadata=md)
    assert (err.value.code(), reason_of(err.value)) == (grpc.StatusCode.FAILED_PRECONDITION, "ARCHIVE_ALREADY_IMPORTED")
    assert first.name in err.value.details() and f"文件“{path.name}”" in err.value.details()
    assert len(await rows(marriage, "SELECT id FROM imports WHERE source_name = :n", n=path.name)) == 1

    again, _ = sample(tmp_path, 600, seed=93, fmt="jsonl", encoding="utf-8", headers="en")
    second = await stub(marriage).ImportHistoricalRecords(
        stream_file(again, unique("imp-"), pb.IMPORT_FORMAT_JSONL), metadata=md)
    # What each of the first import's records repeats by, unless the file itself already repeats it.
    expected = {(r.row_number, r.code) for r in await rows(marriage, """
        SELECT r.row_number, CASE WHEN r.certificate_number <> '' THEN 'DUPLICATE_CERTIFICATE'
                                  ELSE 'DUPLICATE_COUPLE_DATE' END AS code
        FROM import_rows r
        WHERE r.import_id = :i AND r.marriage_id IS NOT NULL
          AND (r.certificate_number <> '' OR (r.kind = 'marriage' AND r.man_hash IS NOT NULL
                                              AND r.woman_hash IS NOT NULL AND r.event_date IS NOT NULL))
          AND NOT EXISTS (SELECT 1 FROM import_defects d WHERE d.import_id = r.import_id
                          AND d.row_number = r.row_number AND d.code LIKE 'DUPLICATE_%')""",
        i=uuid.UUID(first.name.split("/")[1]))}
    assert len(expected) > 500
    repeats = {(d.row_number, d.code) for d in await all_defects(marriage, md, second.name)
               if d.code.startswith("DUPLICATE_") and "此前" in d.message}
    assert repeats == expected
    counts, before = {c.code: c.count for c in second.defects}, manifest["counts"]
    for code in ("DUPLICATE_CERTIFICATE", "DUPLICATE_COUPLE_DATE"):
        assert counts[code] == before[code] + sum(1 for _, c in expected if c == code)
    assert second.rows_imported == first.rows_imported  # kept and flagged, never dropped


@pytest.mark.parametrize(("fmt", "seed", "options"), [  # archives of their own: one database holds all three
    ("xlsx", 41, {}),
    ("jsonl", 42, {"encoding": "utf-8", "headers": "en"}),
    ("csv", 43, {"encoding": "utf-8-sig", "headers": "en"}),
])
async def test_each_format_reports_its_planted_defects(marriage, secrets, tmp_path, fmt, seed, options):
    path, manifest = sample(tmp_path, 1_200, seed=seed, fmt=fmt, **options)
    md = secrets.caller_metadata("marriage_registrar")
    report = await stub(marriage).ImportHistoricalRecords(
        stream_file(path, unique("imp-"), FORMATS[fmt]), metadata=md)
    assert_report_matches(report, manifest)
    listed = await all_defects(marriage, md, report.name)
    assert {(d.row_number, d.code, d.field) for d in listed} == {
        (d["row"], d["code"], d["field"]) for d in manifest["defects"]}


async def current_spouses_of(service, import_id: str) -> tuple[set, set]:
    """(expected, actual) current spouses of an import's people: each is married to their latest
    registered marriage in the import (expected), as current_spouses holds it (actual)."""
    expected = await rows(service, """
        SELECT DISTINCT ON (h.party_hash) h.party_hash, r.marriage_id
        FROM import_rows r JOIN marriages m ON m.id = r.marriage_id
        CROSS JOIN LATERAL (VALUES (r.man_hash), (r.woman_hash)) AS h(party_hash)
        WHERE r.import_id = :i AND m.state = 'REGISTERED' AND h.party_hash IS NOT NULL
        ORDER BY h.party_hash, m.register_date DESC, r.row_number DESC""", i=import_id)
    actual = await rows(service, """
        SELECT c.party_hash, c.marriage_id FROM current_spouses c
        WHERE c.party_hash IN (SELECT man_hash FROM import_rows WHERE import_id = :i
                               UNION SELECT woman_hash FROM import_rows WHERE import_id = :i)""", i=import_id)
    return ({(bytes(r.party_hash), r.marriage_id) for r in expected},
            {(bytes(r.party_hash), r.marriage_id) for r in actual})


async def test_each_person_is_married_to_their_latest_registered_marriage(marriage, secrets, tmp_path):
    """Current spouses after an import: divorced couples are single again, remarried people are
    married to their latest spouse, people married twice without a divorce to the later one."""
    path, manifest = sample(tmp_path, 3_000, seed=5)
    md = secrets.caller_metadata("marriage_registrar")
    report = await stub(marriage).ImportHistoricalRecords(stream_file(path, unique("imp-")), metadata=md)
    import_id = report.name.split("/")[1]
    expected, actual = await current_spouses_of(marriage, import_id)
    assert len(expected) > 4_000
    assert actual == expected
    linked = await rows(marriage, """
        SELECT count(*) AS n FROM import_rows WHERE import_id = :i AND kind = 'divorce'
        AND ended_marriage_id IS NOT NULL""", i=import_id)
    assert linked[0].n == manifest["divorces"]


async def import_state(service, import_id: str) -> dict:
    """What an import left behind: its marriages by state, its divorce rows linked to the marriage
    they ended, its defects whose marriage link disagrees with their row's, its linked overlaps."""
    made = Counter((r.state, r.historical) for r in await rows(
        service, "SELECT state, historical FROM marriages WHERE import_id = :i", i=import_id))
    (counts,) = await rows(service, """
        SELECT (SELECT count(*) FROM import_rows WHERE import_id = :i AND kind = 'divorce'
                AND ended_marriage_id IS NOT NULL) AS divorces_linked,
               (SELECT count(*) FROM import_defects d JOIN import_rows r USING (import_id, row_number)
                WHERE d.import_id = :i AND d.marriage_id IS DISTINCT FROM r.marriage_id) AS mislinked,
               (SELECT count(*) FROM import_defects WHERE import_id = :i AND code = 'OVERLAPPING_MARRIAGE'
                AND marriage_id IS NOT NULL) AS overlaps_linked""", i=import_id)
    return {"made": made, **counts._asdict()}


async def test_a_second_import_into_the_same_registry_links_and_ends_what_the_first_did(
        marriage, secrets, tmp_path):
    """The finishing statements of an import (overlap defects linked to their marriages, divorces
    ending marriages, current spouses) run on a registry that already holds an import, with the
    statistics autovacuum leaves after it: the second import's results are as complete as the first's."""
    md = secrets.caller_metadata("marriage_registrar")
    first_path, _ = sample(tmp_path, 3_000, seed=6)
    first = await stub(marriage).ImportHistoricalRecords(stream_file(first_path, unique("imp-")), metadata=md)
    first_id = first.name.split("/")[1]
    first_state = await import_state(marriage, first_id)
    async with marriage.infra.db.transaction() as session:  # what autovacuum does after a bulk load
        for table in ("import_rows", "import_defects", "marriages", "marriage_parties", "current_spouses"):
            await session.execute(text(f"ANALYZE {table}"))

    path, manifest = sample(tmp_path, 10_000, seed=7)  # large enough to be analyzed in the import
    report = await stub(marriage).ImportHistoricalRecords(stream_file(path, unique("imp-")), metadata=md)
    import_id = report.name.split("/")[1]

    assert_report_matches(report, manifest)
    listed = await all_defects(marriage, md, report.name)
    assert {(d.row_number, d.code, d.field) for d in listed} == {
        (d["row"], d["code"], d["field"]) for d in manifest["defects"]}
    without_record = sum((d["code"], d["field"]) in _NO_RECORD for d in manifest["defects"])
    overlaps = manifest["counts"].get("OVERLAPPING_MARRIAGE", 0)
    assert overlaps > 0
    assert await import_state(marriage, import_id) == {
        "made": {("DIVORCED", True): manifest["divorces"],
                 ("REGISTERED", True): manifest["marriages"] - manifest["divorces"] - without_record},
        "divorces_linked": manifest["divorces"], "mislinked": 0, "overlaps_linked": overlaps}
    # Every defect of a row with a marriage record names it, as ListDefects shows it.
    by_row = {r.row_number: f"marriages/{r.marriage_id}" for r in await rows(marriage, """
        SELECT row_number, marriage_id FROM import_rows WHERE import_id = :i AND marriage_id IS NOT NULL""",
        i=import_id)}
    assert [d for d in listed if d.marriage != by_row.get(d.row_number, "")] == []

    expected, actual = await current_spouses_of(marriage, import_id)
    assert actual == expected

    assert await import_state(marriage, first_id) == first_state  # the first import is left as it was


async def test_a_records_open_defects_are_read_through_the_partial_index(marriage):
    """Every status look-up of a historical record reads its open defects: with a million archive
    rows a sequential scan of the defects costs more than the rest of the look-up together."""
    sql = str(open_defects_query([uuid.uuid4(), uuid.uuid4()]).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    async with marriage.infra.db.transaction() as session:
        await session.execute(text("SET LOCAL enable_seqscan = off"))  # an index it can use, it will
        plan = "\n".join(r[0] for r in await session.execute(text("EXPLAIN " + sql)))
    assert "ix_import_defects_open_by_marriage" in plan, plan


async def test_a_failed_write_fails_the_import_and_leaves_nothing_and_a_retry_imports_it_all(
        marriage, secrets, tmp_path, monkeypatch):
    """Batches are written while later rows are still being checked: a write that fails part-way
    (here the second) fails the whole import, none of its rows, records or claims stay, and a retry
    with the same request id imports the file from the start."""
    path, manifest = sample(tmp_path, 12_000, seed=8)  # at least two writes: the first starts at 5,000 rows
    md = secrets.caller_metadata("marriage_registrar")
    request_id = unique("imp-")
    counts = """SELECT (SELECT count(*) FROM marriages) AS marriages,
                       (SELECT count(*) FROM import_rows) AS kept,
                       (SELECT count(*) FROM current_spouses) AS spouses,
                       (SELECT count(*) FROM imports WHERE request_id = :r) AS imports"""
    before = await rows(marriage, counts, r=request_id)
    write, calls = ImportStore.write, []

    async def failing_write(self, batch):
        calls.append(len(batch.rows))
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        await write(self, batch)

    monkeypatch.setattr(ImportStore, "write", failing_write)
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await stub(marriage).ImportHistoricalRecords(stream_file(path, request_id), metadata=md)
    assert failed.value.code() == grpc.StatusCode.INTERNAL and len(calls) == 2
    assert await rows(marriage, counts, r=request_id) == before

    monkeypatch.setattr(ImportStore, "write", write)
    report = await stub(marriage).ImportHistoricalRecords(stream_file(path, request_id), metadata=md)
    assert_report_matches(report, manifest)
    kept = await rows(marriage, "SELECT count(*) AS n FROM import_rows WHERE import_id = :i",
                      i=report.name.split("/")[1])
    assert kept[0].n == manifest["rows"]


async def test_an_upload_the_client_cancels_mid_stream_leaves_nothing_and_can_be_sent_again(
        marriage, secrets, tmp_path, monkeypatch):
    """The clerk closes the window (the gRPC stream is cancelled) after part of the file, once a
    batch is written: no import, row, defect, record or claim stays, and the same request id
    imports the whole file afterwards."""

    path, manifest = sample(tmp_path, 12_000, seed=94)  # a seed no other test imports
    md = secrets.caller_metadata("marriage_registrar")
    request_id = unique("imp-")
    counts = """SELECT (SELECT count(*) FROM marriages) AS marriages,
                       (SELECT count(*) FROM import_rows) AS kept,
                       (SELECT count(*) FROM import_defects) AS defects,
                       (SELECT count(*) FROM current_spouses) AS spouses,
                       (SELECT count(*) FROM imports WHERE request_id = :r) AS imports"""
    before = await rows(marriage, counts, r=request_id)
    sent, written = asyncio.Event(), []
    write = ImportStore.write

    async def noting_write(self, batch):
        await write(self, batch)
        written.append(len(batch.rows))

    async def then_stall():
        size, at = path.stat().st_size, 0
        async for message in stream_file(path, request_id, chunk=16 * 1024):
            yield message
            at += len(message.data)
            if at > size * 0.8:  # most of the file sent: wait for a batch in the database (uncommitted)
                while not written:
                    await asyncio.sleep(0.05)
                sent.set()  # ... and the window closes now
                await asyncio.sleep(3600)

    monkeypatch.setattr(ImportStore, "write", noting_write)
    call = stub(marriage).ImportHistoricalRecords(then_stall(), metadata=md)
    await asyncio.wait_for(sent.wait(), 60)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    monkeypatch.setattr(ImportStore, "write", write)
    for _ in range(50):  # the server notices the cancellation and rolls back
        if await rows(marriage, counts, r=request_id) == before:
            break
        await asyncio.sleep(0.1)
    assert await rows(marriage, counts, r=request_id) == before

    report = await stub(marriage).ImportHistoricalRecords(stream_file(path, request_id), metadata=md)
    assert_report_matches(report, manifest)
