"""Loads and saves divisions with their history."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from placenames.adapters.tables import division_changes, divisions
from placenames.domain.divisions import Change, ChangeKind, Division


def _change(row) -> Change:  # noqa: ANN001 - a Row of division_changes
    return Change(ChangeKind(row.kind), row.effective_date, row.name, row.successor_code, row.reason)


class DivisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str, *, for_update: bool = False) -> Division | None:
        query = select(divisions).where(divisions.c.code == code)
        row = (await self.session.execute(query.with_for_update() if for_update else query)).first()
        if row is None:
            return None
        return (await self._with_history([row]))[0]

    async def children(self, parent_code: str | None, level: str | None) -> list[Division]:
        """Every division ever recorded under a parent (or at the top), ordered by code."""
        query = select(divisions).order_by(divisions.c.code)
        query = query.where(divisions.c.parent_code == parent_code) if parent_code \
            else query.where(divisions.c.parent_code.is_(None)) if not level else query
        if level:
            query = query.where(divisions.c.level == level)
        return await self._with_history((await self.session.execute(query)).all())

    async def _with_history(self, rows: list) -> list[Division]:
        if not rows:
            return []
        codes = [r.code for r in rows]
        changes = await self.session.execute(
            select(division_changes).where(division_changes.c.code.in_(codes))
            .order_by(division_changes.c.code, division_changes.c.seq))
        history: dict[str, list[Change]] = defaultdict(list)
        for c in changes:
            history[c.code].append(_change(c))
        return [Division(r.code, r.level, r.parent_code, r.source, history[r.code]) for r in rows]

    async def add(self, division: Division) -> None:
        await self.session.execute(insert(divisions).values(
            code=division.code, level=division.level, parent_code=division.parent_code, source=division.source))
        await self.append_change(division, division.history[0])

    async def append_change(self, division: Division, change: Change) -> None:
        seq = division.history.index(change)
        await self.session.execute(insert(division_changes).values(
            code=division.code, seq=seq, kind=change.kind.value, effective_date=change.effective_date,
            name=change.name, successor_code=change.successor_code, reason=change.reason))
        await self.session.execute(
            update(divisions).where(divisions.c.code == division.code).values(updated_at=func.now()))

    async def updated_at(self, code: str):  # noqa: ANN201 - datetime
        return (await self.session.execute(select(divisions.c.updated_at).where(divisions.c.code == code))).scalar()
