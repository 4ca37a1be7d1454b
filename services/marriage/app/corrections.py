"""Corrections of historical records (rules.md §1.8): proposed by one person with a reason and the
evidence, approved or rejected by another. Approval applies the corrected value to the record; the
original stays beside it in the corrections table (and the imported row is never rewritten).

A correction targets one field of an archive row, named through a defect (``defects/{id}``) or a
historical marriage (``marriages/{id}``). After approval the row is derived again as the import
would derive it: a row that could not become a marriage record (no usable date, unknown kind) may
become one, and a corrected divorce row may now end its marriage. Defects the single-row checks no
longer find are resolved, and so is the defect the correction was proposed for.
"""
from __future__ import annotations

import dataclasses
import uuid

from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit import context
from servicekit.db import driver_connection
from servicekit.errors import invalid, not_found, precondition
from servicekit.identifiers import parse_resident_id, validate_division_code
from servicekit.jurisdiction import visible_prefix
from servicekit.paging import Keyset
from servicekit.pii import PiiCipher, mask_id, mask_text
from servicekit.uow import UnitOfWork
from servicekit.uuid7 import uuid7
from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.import_tables import corrections, import_defects, import_rows
from marriage.adapters.tables import current_spouses, marriage_parties, marriages
from marriage.app.imports import parse_defect_name, require_import_jurisdiction, visible_imports
from marriage.domain.corrections import Correction, CorrectionState
from marriage.domain.history import archive_kind, parse_archive_date, validate_row
from marriage.domain.parties import MAX_NAME_LENGTH
from marriage.imports.archive import KeptRow, load_row, row_name, row_of_marriage
from marriage.imports.columns import FIELDS
from marriage.imports.records import PARTY_COLUMNS, RowMaterializer
from marriage.imports.store import ImportStore

PREFIX = "corrections/"
STATE_PB = {CorrectionState.PROPOSED: pb.CORRECTION_STATE_PROPOSED,
            CorrectionState.APPROVED: pb.CORRECTION_STATE_APPROVED,
            CorrectionState.REJECTED: pb.CORRECTION_STATE_REJECTED}
PB_STATE = {v: k for k, v in STATE_PB.items()}
CORRECTION_LIST = Keyset("corrections", corrections.c.created_at, corrections.c.id)  # oldest proposal first
ID_FIELDS = {"man_id": "M", "woman_id": "F"}
# Defects one row shows by itself: re-checked after a correction. The others (duplicates, overlaps,
# unreadable rows) need a person's judgment, given by approving a correction proposed for them.
_ROW_CHECKED = frozenset({"MISSING_FIELD", "INVALID_VALUE", "IMPOSSIBLE_DATE", "BAD_CHECK_DIGIT",
                          "MALFORMED_ID", "ID_STORED_AS_NUMBER", "SEX_MISMATCH",
                          "BELOW_LEGAL_AGE_AT_TIME"})


def _shown(field: str, value: str) -> str:
    """ID numbers masked: corrections are listed to every registrar and supervisor."""
    return mask_id(value) if field in ID_FIELDS and value else value


def _parse_name(name: str) -> uuid.UUID:
    try:
        if name.startswith(PREFIX):
            return uuid.UUID(name[len(PREFIX):])
    except ValueError:
        pass
    raise invalid("INVALID_NAME", "更正的资源名应为 corrections/{id}", "name")


def _marriage_id(name: str) -> uuid.UUID:
    try:
        if name.startswith("marriages/"):
            return uuid.UUID(name[len("marriages/"):])
    except ValueError:
        pass
    raise invalid("INVALID_NAME", "婚姻记录的资源名应为 marriages/{id}", "correction.marriage")


def checked_value(field: str, raw: str, today) -> str:
    """The corrected value in the form it is stored; it must itself be valid."""
    value = " ".join(raw.split())
    where = "correction.corrected_value"
    if not value:
        raise invalid("CORRECTED_VALUE_REQUIRED", "更正后的值不能为空", where)
    if field in ID_FIELDS:
        resident = parse_resident_id(value, where, today=today)
        if resident.sex != ID_FIELDS[field]:
            raise invalid("SEX_MISMATCH", "身份证号码的性别位与男方/女方栏目不符", where)
        return resident.number
    if field == "register_date":
        day = parse_archive_date(value)
        if day is None or day > today:
            raise invalid("INVALID_DATE", "登记日期不存在或晚于今天", where)
        return day.isoformat()
    if field == "kind":
        if archive_kind(value) is None:
            raise invalid("INVALID_VALUE", "登记类别应为结婚或离婚", where)
        return value
    if field == "office_code":
        return validate_division_code(value, where)
    if field.endswith("_name") and len(value) > MAX_NAME_LENGTH:
        raise invalid("NAME_TOO_LONG", f"姓名不能超过{MAX_NAME_LENGTH}个字符", where)
    return value


def to_pb(correction: Correction, marriage_id: uuid.UUID | None, defect_id: int | None) -> pb.Correction:
    return pb.Correction(
        name=f"{PREFIX}{correction.id}", marriage=f"marriages/{marriage_id}" if marriage_id else "",
        field=correction.field, original_value=_shown(correction.field, correction.original),
        corrected_value=_shown(correction.field, correction.corrected), reason=correction.reason,
        evidence_reference=correction.evidence_ref, state=STATE_PB[correction.state],
        proposed_by=correction.proposed_by, decided_by=correction.approved_by or "",
        defect=f"defects/{defect_id}" if defect_id else "")


def _domain(row: Row, cipher: PiiCipher, record: str) -> Correction:
    return Correction(str(row.id), record, row.field, cipher.decrypt(row.original_enc),
                      cipher.decrypt(row.corrected_enc), row.reason, row.evidence_ref, row.proposed_by,
                      row.decided_by or None, CorrectionState(row.state))


def _record(uow: UnitOfWork, correction: Correction, message: pb.Correction, action: str,
            reason: str, custody: str) -> None:
    """The correction's audit row (under ``custody``, the jurisdiction holding the archive) and event."""
    uow.audit(action, message.name, office_code=custody, reason=reason, after={
        "state": str(correction.state), "record": message.marriage or correction.record,
        "field": correction.field, "original": message.original_value, "corrected": message.corrected_value,
        "evidence_ref": correction.evidence_ref, "defect": message.defect})
    shown = pb.Correction()
    shown.CopyFrom(message)  # typed text (the reason, the evidence reference) leaves with ID numbers masked
    shown.reason, shown.evidence_reference = mask_text(message.reason), mask_text(message.evidence_reference)
    uow.emit("correction_changed", events_pb2.CorrectionChanged(correction=shown), office_code=custody)


async def _target(session: AsyncSession, request: pb.Correction) -> tuple[uuid.UUID, int, Row | None]:
    """(import id, row number, defect row) of what a proposal names."""
    if request.defect:
        defect = (await session.execute(select(import_defects).where(
            import_defects.c.id == parse_defect_name(request.defect, "correction.defect")))).first()
        if defect is None:
            raise not_found("DEFECT_NOT_FOUND", "找不到该瑕疵记录", defect=request.defect)
        if defect.resolved_at is not None:
            raise precondition("DEFECT_RESOLVED", "该瑕疵已经更正处理", defect=request.defect)
        if request.marriage and defect.marriage_id != _marriage_id(request.marriage):
            raise invalid("DEFECT_OF_ANOTHER_RECORD", "该瑕疵不属于所指的婚姻记录", "correction.defect")
        return defect.import_id, defect.row_number, defect
    if request.marriage:
        return (*await row_of_marriage(session, _marriage_id(request.marriage)), None)
    raise invalid("TARGET_REQUIRED", "须指明更正的瑕疵（defect）或婚姻记录（marriage）", "correction")


async def propose(uow: UnitOfWork, cipher: PiiCipher, request: pb.Correction) -> pb.Correction:
    import_id, row_number, defect = await _target(uow.session, request)
    custody = await require_import_jurisdiction(uow.session, import_id)
    field = request.field.strip() or (defect.field if defect is not None else "")
    if field not in FIELDS:
        raise invalid("INVALID_FIELD", f"可更正的字段为：{'、'.join(FIELDS)}", "correction.field")
    kept = await load_row(uow.session, cipher, import_id, row_number)
    if field == "kind" and kept.marriage_id is not None:
        raise precondition("KIND_NOT_CORRECTABLE", "已形成婚姻记录的档案行不能更正登记类别")
    pending = (await uow.session.execute(select(corrections.c.id).where(
        corrections.c.import_id == import_id, corrections.c.row_number == row_number,
        corrections.c.field == field, corrections.c.state == "PROPOSED"))).first()
    if pending is not None:
        raise precondition("CORRECTION_PENDING", "该字段已有待审核的更正", correction=f"{PREFIX}{pending.id}")
    correction = Correction.propose(
        str(uuid7()), kept.name, field, getattr(kept.current, field),
        checked_value(field, request.corrected_value, uow.clock.today()), request.reason,
        request.evidence_reference, context.current().caller.subject)
    await uow.session.execute(insert(corrections).values(
        id=uuid.UUID(correction.id), import_id=import_id, row_number=row_number, marriage_id=kept.marriage_id,
        defect_id=defect.id if defect is not None else None, field=field,
        original_enc=cipher.encrypt(correction.original), corrected_enc=cipher.encrypt(correction.corrected),
        reason=correction.reason, evidence_ref=correction.evidence_ref, state=str(correction.state),
        proposed_by=correction.proposed_by, created_at=uow.clock.now()))
    message = to_pb(correction, kept.marriage_id, defect.id if defect is not None else None)
    _record(uow, correction, message, "correction.propose", correction.reason, custody)
    return message


async def _load(uow: UnitOfWork, cipher: PiiCipher, name: str) -> tuple[Correction, Row, str]:
    """The correction, its row and the jurisdiction holding its archive."""
    row = (await uow.session.execute(
        select(corrections).where(corrections.c.id == _parse_name(name)).with_for_update())).first()
    if row is None:
        raise not_found("CORRECTION_NOT_FOUND", "找不到该更正", correction=name)
    custody = await require_import_jurisdiction(uow.session, row.import_id)
    return _domain(row, cipher, row_name(row.import_id, row.row_number)), row, custody


async def approve(uow: UnitOfWork, cipher: PiiCipher, name: str) -> pb.Correction:
    correction, row, custody = await _load(uow, cipher, name)
    correction.approve(context.current().caller.subject)
    kept = await load_row(uow.session, cipher, row.import_id, row.row_number, for_update=True)
    if getattr(kept.current, correction.field) != correction.original:
        raise precondition("ORIGINAL_CHANGED", "该字段在提出更正后已被更改，请重新提出更正")
    now = uow.clock.now()
    corrected = dataclasses.replace(kept.current, **{correction.field: correction.corrected})
    marriage_id = await _apply(uow, cipher, kept, corrected)
    await uow.session.execute(update(corrections).where(corrections.c.id == row.id).values(
        state=str(correction.state), decided_by=correction.approved_by, decided_at=now,
        marriage_id=marriage_id))
    await _resolve(uow, kept, corrected, row.id, row.defect_id, marriage_id)
    message = to_pb(correction, marriage_id, row.defect_id)
    uow.audit("historical_record.correct", message.marriage or kept.name, office_code=custody,
              reason=correction.reason,
              before={correction.field: message.original_value},
              after={correction.field: message.corrected_value, "correction": message.name,
                     "evidence_ref": correction.evidence_ref})
    _record(uow, correction, message, "correction.approve", correction.reason, custody)
    return message


async def reject(uow: UnitOfWork, cipher: PiiCipher, name: str, reason: str) -> pb.Correction:
    correction, row, custody = await _load(uow, cipher, name)
    correction.reject(context.current().caller.subject)
    await uow.session.execute(update(corrections).where(corrections.c.id == row.id).values(
        state=str(correction.state), decided_by=correction.approved_by, decided_at=uow.clock.now(),
        decision_reason=reason.strip()))
    message = to_pb(correction, row.marriage_id, row.defect_id)
    _record(uow, correction, message, "correction.reject", reason.strip(), custody)
    return message


async def _apply(uow: UnitOfWork, cipher: PiiCipher, kept: KeptRow, corrected) -> uuid.UUID | None:
    """Derive the row again from its corrected values; returns its marriage record's id."""
    materializer = RowMaterializer(cipher, kept.import_id, uow.clock.today())
    records = materializer.records(kept.row_number, corrected, marriage_id=kept.marriage_id)
    kind, certificate, day, man_hash, woman_hash = records.row[2:7]
    session = uow.session
    marriage = records.marriage
    if marriage is not None and kept.marriage_id is None:
        await session.execute(insert(marriages).values(dict(zip(
            ("id", "certificate_number", "office_code", "register_date", "state", "historical", "import_id"),
            marriage))))
    elif marriage is not None:
        await session.execute(update(marriages).where(marriages.c.id == marriage[0]).values(
            certificate_number=certificate, office_code=marriage[2], register_date=day,
            updated_at=uow.clock.now()))
    if marriage is not None:
        await session.execute(delete(marriage_parties).where(marriage_parties.c.marriage_id == marriage[0]))
        await session.execute(insert(marriage_parties),
                              [dict(zip(PARTY_COLUMNS, p)) for p in records.parties])
        before = (kept.man_hash, kept.woman_hash) if kept.marriage_id is not None else ()
        await _current_spouses(session, kept, marriage[0], before, (man_hash, woman_hash))
        await session.execute(update(import_defects).where(
            import_defects.c.import_id == kept.import_id, import_defects.c.row_number == kept.row_number)
            .values(marriage_id=marriage[0]))
    if kept.ended_marriage_id is not None:  # a linked divorce row: its certificate and date
        await session.execute(update(marriages).where(marriages.c.id == kept.ended_marriage_id).values(
            end_date=day, end_reference=certificate, updated_at=uow.clock.now()))
    await session.execute(update(import_rows).where(
        import_rows.c.import_id == kept.import_id, import_rows.c.row_number == kept.row_number).values(
        kind=kind, certificate_number=certificate, event_date=day, man_hash=man_hash, woman_hash=woman_hash,
        marriage_id=records.marriage_id))
    if man_hash is not None and woman_hash is not None:
        await ImportStore(await driver_connection(session)).end_marriages_of_couple(man_hash, woman_hash)
    return records.marriage_id


async def _current_spouses(session: AsyncSession, kept: KeptRow, marriage_id: uuid.UUID, before: tuple,
                           after: tuple) -> None:
    """A REGISTERED record's parties are married now: swap a corrected party's hash. A corrected
    party who is married on another record now (an archive without the divorce row between) is
    not claimed twice: the row is flagged OVERLAPPING_MARRIAGE, as the import flags it."""
    state = (await session.execute(
        select(marriages.c.state).where(marriages.c.id == marriage_id))).scalar_one()
    gone = [h for h in before if h is not None and h not in after]
    if gone:
        await session.execute(delete(current_spouses).where(
            current_spouses.c.marriage_id == marriage_id, current_spouses.c.party_hash.in_(gone)))
    added = [h for h in after if h is not None and h not in before]
    if state == "REGISTERED" and added:
        claimed = set((await session.execute(pg_insert(current_spouses).values(
            [{"party_hash": h, "marriage_id": marriage_id} for h in added]).on_conflict_do_nothing()
            .returning(current_spouses.c.party_hash))).scalars())
        overlapping = [field for field, h in zip(("man_id", "woman_id"), after) if h in added and h not in claimed]
        d = import_defects.c
        already = set((await session.execute(select(d.field).where(  # flagged by an earlier correction
            d.import_id == kept.import_id, d.row_number == kept.row_number, d.code == "OVERLAPPING_MARRIAGE",
            d.resolved_at.is_(None)))).scalars()) if overlapping else set()
        overlapping = [field for field in overlapping if field not in already]
        if overlapping:
            await session.execute(insert(import_defects), [{
                "import_id": kept.import_id, "row_number": kept.row_number, "code": "OVERLAPPING_MARRIAGE",
                "field": field, "message": "更正后的当事人另有婚姻登记在册且未解除，与本记录重叠",
                "marriage_id": marriage_id} for field in overlapping])


async def _resolve(uow: UnitOfWork, kept: KeptRow, corrected, correction_id: uuid.UUID,
                   defect_id: int | None, marriage_id: uuid.UUID | None) -> None:
    """Resolve what the row's checks no longer find (and the defect proposed for), and flag what
    they find now that was not open before: a corrected value may make a new defect (a date at
    which a party was under the legal age then)."""
    found = [f for f in validate_row(corrected, uow.clock.today()) if not f.informational]
    still = {(f.code, f.field) for f in found}
    d = import_defects
    open_rows = (await uow.session.execute(select(d.c.id, d.c.code, d.c.field).where(
        d.c.import_id == kept.import_id, d.c.row_number == kept.row_number, d.c.resolved_at.is_(None),
        ~d.c.informational))).all()
    fixed = [r.id for r in open_rows
             if (r.code in _ROW_CHECKED and (r.code, r.field) not in still)
             or (r.id == defect_id and r.code not in _ROW_CHECKED)]
    if fixed:
        await uow.session.execute(update(d).where(d.c.id.in_(fixed)).values(
            resolved_at=uow.clock.now(), resolved_by=correction_id))
    flagged = {(r.code, r.field) for r in open_rows if r.id not in fixed}
    new = [f for f in found if (f.code, f.field) not in flagged]
    if new:
        await uow.session.execute(insert(d), [{
            "import_id": kept.import_id, "row_number": kept.row_number, "code": f.code, "field": f.field,
            "message": f.message_zh, "marriage_id": marriage_id} for f in new])


async def list_corrections(session: AsyncSession, cipher: PiiCipher,
                           request: pb.ListCorrectionsRequest) -> pb.ListCorrectionsResponse:
    seek = CORRECTION_LIST.seek(request)
    c = corrections
    query = select(c)
    if prefix := visible_prefix(""):
        query = query.where(c.c.import_id.in_(visible_imports(prefix)))
    if request.state:
        query = query.where(c.c.state == str(PB_STATE[request.state]))
    rows, token = await seek.fetch(session, query)
    return pb.ListCorrectionsResponse(
        corrections=[to_pb(_domain(r, cipher, row_name(r.import_id, r.row_number)), r.marriage_id,
                           r.defect_id) for r in rows],
        next_page_token=token)
