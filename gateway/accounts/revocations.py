"""Revoked tokens: one token (sign-out) or every earlier token of a subject (password, role or
jurisdiction change, deactivation).

Checked on every request from memory; each replica reloads new rows every `refresh_s`, so a
sign-out on one replica holds on the others within that time (on its own replica at once).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from servicekit.db import Database
from servicekit.logging import error_text, get_logger
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.accounts.tables import revocations
from gateway.accounts.tokens import Principal

log = get_logger(__name__)
PURGE_EVERY_S = 600.0


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


class Revocations:
    def __init__(self, db: Database, token_ttl_s: int, refresh_s: float = 2.0) -> None:
        self._db = db
        self._ttl_s = token_ttl_s
        self._refresh_s = refresh_s
        self._tokens: dict[str, float] = {}  # jti → expiry (epoch seconds)
        self._subjects: dict[str, tuple[float, float]] = {}  # subject → (cutoff, expiry)
        self._last_id = 0

    def is_revoked(self, principal: Principal) -> bool:
        if principal.token_id in self._tokens:
            return True
        cutoff = self._subjects.get(principal.subject)
        return cutoff is not None and principal.issued_at < cutoff[0]

    async def revoke_token(self, principal: Principal) -> None:
        async with self._db.transaction() as session:
            await session.execute(
                insert(revocations)
                .values(
                    jti=principal.token_id, subject=principal.subject, expires_at=_utc(principal.expires_at)
                )
                .on_conflict_do_nothing(index_elements=["jti"])
            )
        self._tokens[principal.token_id] = principal.expires_at

    async def revoke_subject(self, session: AsyncSession, subject: str) -> None:
        """Within the caller's transaction: every token of `subject` issued until now. The caller
        runs `refresh()` after its commit."""
        now = time.time()
        await session.execute(
            insert(revocations).values(
                subject=subject, issued_before=_utc(now), expires_at=_utc(now + self._ttl_s)
            )
        )

    def _remember_subject(self, subject: str, cutoff: float, expiry: float) -> None:
        previous = self._subjects.get(subject)
        if previous is None or previous[0] < cutoff:
            self._subjects[subject] = (cutoff, expiry)

    async def refresh(self) -> None:
        async with self._db.transaction() as session:
            rows = (
                (
                    await session.execute(
                        select(revocations)
                        .where(revocations.c.id > self._last_id, revocations.c.expires_at > _utc(time.time()))
                        .order_by(revocations.c.id)
                    )
                )
                .mappings()
                .all()
            )
        for row in rows:
            expiry = row["expires_at"].timestamp()
            if row["issued_before"] is not None:
                self._remember_subject(row["subject"], row["issued_before"].timestamp(), expiry)
            elif row["jti"]:
                self._tokens[row["jti"]] = expiry
            self._last_id = max(self._last_id, row["id"])

    def _forget_expired(self) -> None:
        now = time.time()
        self._tokens = {jti: exp for jti, exp in self._tokens.items() if exp > now}
        self._subjects = {s: v for s, v in self._subjects.items() if v[1] > now}

    async def _purge(self) -> None:
        async with self._db.transaction() as session:
            await session.execute(
                delete(revocations).where(revocations.c.expires_at < _utc(time.time() - 60))
            )

    async def run(self, stop: asyncio.Event) -> None:
        """Reload new revocations until `stop`; drop expired ones from memory and the table."""
        last_purge = 0.0
        while not stop.is_set():
            try:
                await self.refresh()
                if time.monotonic() - last_purge > PURGE_EVERY_S:
                    self._forget_expired()
                    await self._purge()
                    last_purge = time.monotonic()
            except Exception as exc:  # noqa: BLE001 - database away: keep the last known state, retry
                log.warning("revocations_refresh_failed", error=error_text(exc))
            try:
                await asyncio.wait_for(stop.wait(), self._refresh_s)
            except TimeoutError:
                pass
