"""Reading the audit trail (design.md §1, §5): who did what to which record, when — one listing over
the kit's `audit_log`, behind every service's ListAuditRecords. Rows are only ever read here;
writing is `UnitOfWork.audit`. A caller reads the rows of the offices within its jurisdiction, as
it reads their records (servicekit.jurisdiction)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from civic.api.v1 import audit_pb2 as pb
from google.protobuf import json_format, struct_pb2
from sqlalchemy import Row, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.errors import invalid
from servicekit.jurisdiction import visible_prefix
from servicekit.paging import Keyset, Seek


@dataclass(frozen=True)
class AuditFilter:
    """Exact matches on the set fields; `since` inclusive, `until` exclusive; offices under
    `office_prefix` ("" = every row, those of no office included)."""

    resource: str = ""
    actor: str = ""
    action: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    office_prefix: str = ""


def audit_list(table: Table) -> Keyset:
    """A service's audit trail newest first (ties by id: UUIDv7, so in the order they were written);
    the schema in the kind keeps one service's tokens from another's trail."""
    return Keyset(f"{table.schema}.auditRecords", table.c.at.desc(), table.c.id.desc())


async def audit_rows(session: AsyncSession, table: Table, flt: AuditFilter, seek: Seek) -> tuple[Sequence[Row], str]:
    """One page of the matching rows and the next page's token."""
    query = select(table)
    for column, value in (("resource", flt.resource), ("actor", flt.actor), ("action", flt.action)):
        if value:
            query = query.where(table.c[column] == value)
    if flt.office_prefix:
        query = query.where(table.c.office_code.startswith(flt.office_prefix, autoescape=True))
    if flt.since is not None:
        query = query.where(table.c.at >= flt.since)
    if flt.until is not None:
        query = query.where(table.c.at < flt.until)
    return await seek.fetch(session, query)


def audit_filter(request: pb.ListAuditRecordsRequest) -> AuditFilter:
    since = request.from_time.ToDatetime(dt.timezone.utc) if request.HasField("from_time") else None
    until = request.to_time.ToDatetime(dt.timezone.utc) if request.HasField("to_time") else None
    if since is not None and until is not None and since >= until:
        raise invalid("INVALID_TIME_RANGE", "起始时间须早于截止时间", "to_time")
    return AuditFilter(request.resource.strip(), request.actor.strip(), request.action.strip(), since, until,
                       visible_prefix(request.office_code.strip()))


async def list_audit_records(session: AsyncSession, table: Table,
                             request: pb.ListAuditRecordsRequest) -> pb.ListAuditRecordsResponse:
    """A service's ListAuditRecords: one page of its audit trail, newest first."""
    seek = audit_list(table).seek(request)
    rows, token = await audit_rows(session, table, audit_filter(request), seek)
    return pb.ListAuditRecordsResponse(audit_records=[audit_record_pb(r) for r in rows], next_page_token=token)


def audit_record_pb(row: Row) -> pb.AuditRecord:
    record = pb.AuditRecord(id=str(row.id), actor=row.actor, action=row.action, resource=row.resource,
                            reason=row.reason, request_id=row.request_id, office_code=row.office_code)
    record.time.FromDatetime(row.at)
    for name in ("before", "after"):
        snapshot = getattr(row, name)
        if snapshot is not None:
            getattr(record, name).CopyFrom(_struct(snapshot))
    return record


def _struct(snapshot: Any) -> struct_pb2.Struct:
    # Snapshots are JSON objects; anything else (none written so far) is kept under "value".
    return json_format.ParseDict(snapshot if isinstance(snapshot, dict) else {"value": snapshot},
                                 struct_pb2.Struct())
