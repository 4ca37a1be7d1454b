"""Division use cases: each runs in a unit of work that also writes the audit row and the
`division_changed` event."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import events_pb2
from google.protobuf.timestamp_pb2 import Timestamp
from servicekit.errors import not_found
from servicekit.identifiers import parent_code, validate_division_code
from servicekit.uow import UnitOfWork

from placenames.adapters.repository import DivisionRepository
from placenames.domain.divisions import Change, Division, new_division

LEVEL_PB = {"province": pb.DIVISION_LEVEL_PROVINCE, "prefecture": pb.DIVISION_LEVEL_PREFECTURE,
            "county": pb.DIVISION_LEVEL_COUNTY, "township": pb.DIVISION_LEVEL_TOWNSHIP,
            "village": pb.DIVISION_LEVEL_VILLAGE}


@dataclass(frozen=True)
class CreateDivision:
    code: str
    name: str
    parent_code: str
    effective_date: dt.date
    source: str
    reason: str


async def load(repo: DivisionRepository, code: str, *, for_update: bool = False) -> Division:
    division = await repo.get(code, for_update=for_update)
    if division is None:
        raise not_found("DIVISION_NOT_FOUND", f"区划 {code} 不存在", code=code)
    return division


async def create(uow: UnitOfWork, cmd: CreateDivision) -> Division:
    repo = DivisionRepository(uow.session)
    code = validate_division_code(cmd.code)
    expected_parent = parent_code(code)
    parent = await repo.get(expected_parent) if expected_parent else None
    division = new_division(code, cmd.name, parent, cmd.parent_code, cmd.effective_date, cmd.source,
                            cmd.reason, await repo.get(code))
    await repo.add(division)
    _record(uow, division, division.history[0], "division.create")
    return division


async def rename(uow: UnitOfWork, code: str, new_name: str, effective: dt.date, reason: str) -> Division:
    repo = DivisionRepository(uow.session)
    division = await load(repo, code, for_update=True)
    change = division.rename(new_name, effective, reason)
    await repo.append_change(division, change)
    _record(uow, division, change, "division.rename")
    return division


async def merge(uow: UnitOfWork, code: str, successor_code: str, effective: dt.date, reason: str) -> Division:
    repo = DivisionRepository(uow.session)
    division = await load(repo, code, for_update=True)
    successor = await load(repo, successor_code)
    change = division.merge_into(successor, effective, reason)
    await repo.append_change(division, change)
    _record(uow, division, change, "division.merge")
    return division


async def abolish(uow: UnitOfWork, code: str, effective: dt.date, reason: str) -> Division:
    repo = DivisionRepository(uow.session)
    division = await load(repo, code, for_update=True)
    change = division.abolish(effective, reason)
    await repo.append_change(division, change)
    _record(uow, division, change, "division.abolish")
    return division


def _record(uow: UnitOfWork, division: Division, change: Change, action: str) -> None:
    # A division's changes fall under its own code: the jurisdictions over it read them.
    uow.audit(action, f"divisions/{division.code}", office_code=division.code, reason=change.reason, after={
        "kind": change.kind.value, "effective_date": change.effective_date.isoformat(), "name": change.name,
        "successor_code": change.successor_code})
    uow.emit("division_changed", events_pb2.DivisionChanged(
        code=division.code,
        display_name=division.name_on(change.effective_date),
        parent_code=division.parent_code or "",
        level=LEVEL_PB[division.level],
        kind=pb.ChangeKind.Value(f"CHANGE_KIND_{change.kind.value}"),
        effective_date=change.effective_date.isoformat(),
        successor_code=change.successor_code,
        occur_time=_rfc3339(uow.clock.now()),
    ), office_code=division.code)


def _rfc3339(when: dt.datetime) -> str:
    """A time in the form proto3 JSON gives a Timestamp (UTC, "Z"), as every other time of the feed."""
    stamp = Timestamp()
    stamp.FromDatetime(when)
    return stamp.ToJsonString()
