"""Historical import (补录) use cases: import an archive file streamed in chunks, list its defects.

One import is one transaction: its rows, defects, the audit row and one HistoricalImportCompleted
event commit together (a broken stream leaves nothing behind), and a retry with the same request id
returns the first report (``UnitOfWorkFactory.idempotent``). No event per row: a million-row import
publishes one event carrying its report.
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Iterable

from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit import context
from servicekit.clock import BUREAU_TZ
from servicekit.db import driver_connection
from servicekit.errors import invalid, not_found, precondition
from servicekit.jurisdiction import require_jurisdiction, visible_prefix
from servicekit.paging import Keyset
from servicekit.pii import PiiCipher
from servicekit.uow import UnitOfWork
from servicekit.uuid7 import uuid7
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.import_tables import import_defects, imports
from marriage.domain.history import EARLIER_DUPLICATES
from marriage.imports.parsers import Record, canonical_encoding, detect_format, make_parser
from marriage.imports.pipeline import BATCH_ROWS, Counts, ImportPipeline
from marriage.imports.records import RowMaterializer
from marriage.imports.store import BatchWriter, ImportStore

FORMAT_NAMES = {pb.IMPORT_FORMAT_CSV: "CSV", pb.IMPORT_FORMAT_XLSX: "XLSX", pb.IMPORT_FORMAT_JSONL: "JSONL"}
IMPORT_PREFIX = "historicalImports/"
DEFECT_PREFIX = "defects/"
DEFECT_LIST = Keyset("defects", import_defects.c.id)  # in the order the imports found them


def import_name(import_id: uuid.UUID) -> str:
    return f"{IMPORT_PREFIX}{import_id}"


def parse_import_name(name: str, field: str = "import") -> uuid.UUID:
    try:
        if name.startswith(IMPORT_PREFIX):
            return uuid.UUID(name[len(IMPORT_PREFIX):])
    except ValueError:
        pass
    raise invalid("INVALID_NAME", "导入批次的资源名应为 historicalImports/{id}", field)


def report_pb(import_id: uuid.UUID, counts: Counts) -> pb.ImportReport:
    return pb.ImportReport(
        name=import_name(import_id), rows_read=counts.rows_read, rows_imported=counts.rows_imported,
        rows_with_defects=counts.rows_with_defects, rows_unreadable=counts.rows_unreadable,
        defects=[pb.DefectCount(code=code, count=n) for code, n in counts.defects.items()])


async def import_archive(uow: UnitOfWork, cipher: PiiCipher, first: pb.ImportHistoricalRecordsRequest,
                         rest: AsyncIterator[pb.ImportHistoricalRecordsRequest],
                         batch_rows: int = BATCH_ROWS) -> pb.ImportReport:
    """Read, check and store every row of the file whose first chunk is ``first``."""
    fmt = FORMAT_NAMES.get(first.format) or detect_format(first.source_name, first.data[:8])
    parser = make_parser(fmt, first.encoding)
    import_id, today = uuid7(), uow.clock.today()
    caller = context.current().caller
    await uow.session.execute(insert(imports).values(
        id=import_id, request_id=first.request_id, source_name=first.source_name, format=fmt,
        encoding=canonical_encoding(first.encoding), imported_by=caller.subject,
        jurisdiction=caller.jurisdiction, started_at=uow.clock.now()))
    store = ImportStore(await driver_connection(uow.session))
    writer = BatchWriter(store)
    pipeline = ImportPipeline(RowMaterializer(cipher, import_id, today, hex_ids=True), today, batch_rows)

    async def consume(records: Iterable[Record]) -> None:
        for record in records:
            pipeline.add(record)
            if pipeline.full:
                await writer.submit(pipeline.take())

    content = hashlib.sha256(first.data)
    try:
        await consume(parser.feed(first.data))
        async for chunk in rest:
            content.update(chunk.data)
            await consume(parser.feed(chunk.data))
        await consume(parser.close())
        await writer.submit(pipeline.take())
        await writer.drain()
    except BaseException:
        await writer.abandon()
        raise
    # The same file again (a retry under a new request id, a second upload) would make every record
    # twice: refused as a whole, and the transaction takes back what this one wrote.
    earlier = await store.earlier_import(import_id, content.digest())
    if earlier is not None:
        sent_as = f"（文件“{earlier['source_name']}”）" if earlier["source_name"] else ""
        raise precondition("ARCHIVE_ALREADY_IMPORTED",
                           f"该档案文件已于 {earlier['completed_at'].astimezone(BUREAU_TZ):%Y-%m-%d %H:%M} 补录{sent_as}，"
                           f"不再重复导入；如需更正请使用瑕疵更正（补录批次 {import_name(earlier['id'])}）",
                           earlier=import_name(earlier["id"]))
    await store.prepare_finish()
    repeated = await store.repeated_records(import_id, tuple(EARLIER_DUPLICATES))
    await store.finish(import_id, pipeline.overlaps() + pipeline.repeats(repeated))

    counts = pipeline.counts()
    report = report_pb(import_id, counts)
    await uow.session.execute(update(imports).where(imports.c.id == import_id).values(
        encoding=parser.encoding, rows_read=counts.rows_read, rows_imported=counts.rows_imported,
        rows_with_defects=counts.rows_with_defects, rows_unreadable=counts.rows_unreadable,
        defect_counts=counts.defects, completed_at=uow.clock.now()))
    # Filed under the importer's jurisdiction: the bureau holding the archive, as its corrections are.
    uow.audit("historical_import.complete", report.name, office_code=caller.jurisdiction,
              reason="婚姻登记档案补录", after={
        "source_name": first.source_name, "format": fmt, "encoding": parser.encoding,
        "rows_read": counts.rows_read, "rows_imported": counts.rows_imported,
        "rows_with_defects": counts.rows_with_defects, "rows_unreadable": counts.rows_unreadable,
        "defects": counts.defects})
    uow.emit("historical_import_completed", events_pb2.HistoricalImportCompleted(report=report),
             office_code=caller.jurisdiction)
    return report


def defect_pb(row) -> pb.Defect:
    return pb.Defect(**{
        "name": f"{DEFECT_PREFIX}{row.id}", "import": import_name(row.import_id),
        "row_number": row.row_number,
        "code": row.code, "field": row.field, "message": row.message,
        "marriage": f"marriages/{row.marriage_id}" if row.marriage_id else "",
        "resolved": row.resolved_at is not None})


def parse_defect_name(name: str, field: str = "defect") -> int:
    number = name[len(DEFECT_PREFIX):] if name.startswith(DEFECT_PREFIX) else ""
    if not number.isascii() or not number.isdigit():
        raise invalid("INVALID_NAME", "瑕疵的资源名应为 defects/{id}", field)
    return int(number)


IMPORT_LABEL = "补录批次的管辖范围 "


def visible_imports(prefix: str):  # noqa: ANN201 - a SQL condition
    """Imports made within ``prefix`` (a caller's jurisdiction): theirs to see and correct."""
    return select(imports.c.id).where(imports.c.jurisdiction.startswith(prefix, autoescape=True))


async def require_import_jurisdiction(session: AsyncSession, import_id: uuid.UUID) -> str:
    """Refuse unless the caller may act on the import; returns its jurisdiction (the bureau holding
    the archive, under which its corrections are audited)."""
    scope = (await session.execute(select(imports.c.jurisdiction).where(imports.c.id == import_id))).scalar()
    if scope is None:
        raise not_found("IMPORT_NOT_FOUND", "找不到该补录批次", name=import_name(import_id))
    require_jurisdiction(scope, IMPORT_LABEL)
    return scope


async def list_defects(session: AsyncSession, request: pb.ListDefectsRequest) -> pb.ListDefectsResponse:
    """Open defects (unresolved, not merely informational) by default; ``include_resolved`` shows
    every defect, and asking for a code by name shows that code's informational notes too. Only
    imports within the caller's jurisdiction are listed."""
    seek = DEFECT_LIST.seek(request)
    where = []
    if getattr(request, "import"):
        import_id = parse_import_name(getattr(request, "import"))
        await require_import_jurisdiction(session, import_id)
        where.append(import_defects.c.import_id == import_id)
    elif prefix := visible_prefix(""):
        where.append(import_defects.c.import_id.in_(visible_imports(prefix)))
    if request.code:
        where.append(import_defects.c.code == request.code.strip().upper())
    if not request.include_resolved:
        where.append(import_defects.c.resolved_at.is_(None))
        if not request.code:
            where.append(~import_defects.c.informational)
    rows, token = await seek.fetch(session, select(import_defects).where(*where))
    total = (await session.execute(
        select(func.count()).select_from(import_defects).where(*where))).scalar_one()
    return pb.ListDefectsResponse(defects=[defect_pb(r) for r in rows], total_size=total, next_page_token=token)
