"""Blank certificate booklets (空白证书, rules.md §1.5a): received into stock, used, voided.

Each change locks what it changes in the database — a receipt inserts its whole range in one
statement that the primary key refuses serial by serial, a use or void locks the blank's row — and
leaves an audit row and an event in the same transaction."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from civic.marriage.v1 import events_pb2
from servicekit.errors import already_exists, invalid, not_found
from servicekit.paging import Seek
from servicekit.uow import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.blanks import BlankRepository, Stock
from marriage.adapters.repository import document_by_number
from marriage.app.access import require_jurisdiction
from marriage.app.inputs import office_code
from marriage.app.marriages import not_of_record
from marriage.app.messages import BLANK_KIND_PB, blank_pb, iso
from marriage.domain.blanks import BlankKind, BlankState, CertificateBlank, blank_kind_for, parse_serial, serial_range


@dataclass(frozen=True)
class Receive:
    office_code: str
    kind: BlankKind
    first_serial: str
    last_serial: str
    received_on: dt.date


@dataclass(frozen=True)
class Received:
    office_code: str
    kind: BlankKind
    serials: list[str]
    received_on: dt.date
    stock: Stock


def _resource(kind: BlankKind, serial: str) -> str:
    return f"certificateBlanks/{kind}/{serial}"


def _view(blank: CertificateBlank) -> dict:
    return {k: iso(v) if isinstance(v, dt.date) else str(v) for k, v in dataclasses.asdict(blank).items()}


async def receive(uow: UnitOfWork, cmd: Receive) -> Received:
    code = office_code(cmd.office_code)
    require_jurisdiction(code)
    if cmd.received_on > uow.clock.today():
        raise invalid("DATE_IN_FUTURE", "日期不能晚于今天", "received_date")
    serials = serial_range(cmd.first_serial, cmd.last_serial)
    repo = BlankRepository(uow.session)
    clashes = await repo.receive(cmd.kind, serials, code, cmd.received_on, uow.clock.now())
    if clashes:
        raise already_exists("BLANKS_ALREADY_RECEIVED",
                             f"{cmd.kind.label}空白证书 {clashes[0]} 已入库过（本区间共 {len(clashes)} 本重复），整批未入库",
                             serial=clashes[0], count=str(len(clashes)))
    first, last = serials[0], serials[-1]
    uow.audit("blanks.receive", _resource(cmd.kind, f"{first}-{last}"), office_code=code, after={
        "office_code": code, "kind": str(cmd.kind), "first_serial": first, "last_serial": last,
        "count": len(serials), "received_on": cmd.received_on.isoformat()})
    uow.emit("certificate_blanks_received", events_pb2.CertificateBlanksReceived(
        office_code=code, kind=BLANK_KIND_PB[cmd.kind], first_serial=first, last_serial=last, count=len(serials),
        received_date=cmd.received_on.isoformat()), office_code=code)
    return Received(code, cmd.kind, serials, cmd.received_on, await repo.stock(code, cmd.kind))


async def _locked(repo: BlankRepository, office_raw: str, kind: BlankKind, serial_raw: str) -> CertificateBlank:
    """The office's blank, locked until commit: a second window waits, then sees what the first did."""
    code = office_code(office_raw)
    require_jurisdiction(code)
    serial = parse_serial(serial_raw)
    blank = await repo.get(kind, serial, for_update=True)
    if blank is None or blank.office_code != code:
        raise not_found("BLANK_NOT_FOUND", f"本登记机关没有印制号为 {serial} 的{kind.label}空白证书",
                        serial=serial, office_code=code)
    return blank


def _changed(uow: UnitOfWork, action: str, before: dict, blank: CertificateBlank, reason: str = "") -> None:
    uow.audit(action, _resource(blank.kind, blank.serial), office_code=blank.office_code, before=before,
              after=_view(blank), reason=reason)
    uow.emit("certificate_blank_changed", events_pb2.CertificateBlankChanged(blank=blank_pb(blank)),
             office_code=blank.office_code)


async def use_blank(uow: UnitOfWork, office_raw: str, kind: BlankKind, serial_raw: str, document_raw: str,
                    marriage_id: str | None = None) -> CertificateBlank:
    """Record the blank ``document_raw`` was printed on: a certificate issued on a marriage record
    (of ``marriage_id`` when the print page names its record)."""
    number = document_raw.strip().upper()
    blank_kind_for(number)  # the number's form first: a typing slip is not "not found"
    document = await document_by_number(uow.session, number)
    if document is None:
        raise not_found("CERTIFICATE_NOT_FOUND", f"没有婚姻登记记录发出过证书字号 {number}", document_number=number)
    if marriage_id and document.marriage_id != marriage_id:
        raise not_of_record(number)
    repo = BlankRepository(uow.session)
    printed_on = await repo.holding(number)
    blank = await _locked(repo, office_raw, kind, serial_raw)
    before = _view(blank)
    blank.use(number, uow.clock.today(), document.marriage_id, printed_on)
    await repo.save(blank, uow.clock.now())
    _changed(uow, "blanks.use", before, blank)
    return blank


async def void_blank(uow: UnitOfWork, office_raw: str, kind: BlankKind, serial_raw: str,
                     reason: str) -> CertificateBlank:
    repo = BlankRepository(uow.session)
    blank = await _locked(repo, office_raw, kind, serial_raw)
    before = _view(blank)
    blank.void(reason, uow.clock.today())
    await repo.save(blank, uow.clock.now())
    _changed(uow, "blanks.void", before, blank, blank.void_reason)
    return blank


async def list_blanks(session: AsyncSession, office_prefix: str, kind: BlankKind | None, state: BlankState | None,
                      seek: Seek) -> tuple[list[CertificateBlank], str, Stock]:
    """One page of blanks, the next page's token, and the stock of the office (prefix)."""
    repo = BlankRepository(session)
    found, token = await repo.list(office_prefix, kind, state, seek)
    return found, token, await repo.stock(office_prefix, kind)
