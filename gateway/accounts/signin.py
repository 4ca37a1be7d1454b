"""Sign-in: password grant for staff, client-credentials grant for exchange clients.

Each attempt locks the account's row, so parallel guesses are counted one by one. After a failure
the next attempt waits a little longer (1 s, 2 s, 4 s …); after `max_failures` in a row the account
is locked for `lockout_s`. Attempts refused for the wait are not counted and check no password.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from servicekit.clock import Clock
from servicekit.context import Caller
from servicekit.db import Database
from sqlalchemy import Table, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.accounts.passwords import Passwords
from gateway.accounts.tables import clients, users
from gateway.accounts.tokens import IssuedToken, Principal, TokenIssuer
from gateway.problems import Problem, Violation

MAX_BACKOFF_S = 30
CLIENT_PREFIX = "client:"


@dataclass(frozen=True)
class CredentialKind:
    table: Table
    key: str
    secret: str
    wrong: str  # the refusal of an unknown key or a wrong secret, alike


STAFF = CredentialKind(users, "username", "password_hash", "用户名或密码错误")
CLIENT = CredentialKind(clients, "client_id", "secret_hash", "客户端标识或密钥错误")


def normalize_username(username: str) -> str:
    return username.strip().lower()


def invalid_credentials(kind: CredentialKind) -> Problem:
    return Problem(401, "INVALID_CREDENTIALS", kind.wrong)


def backoff_s(failures: int) -> int:
    """Wait before the next attempt after `failures` failures in a row: none after the first typo."""
    return 0 if failures < 2 else min(2 ** (failures - 2), MAX_BACKOFF_S)


def _staff(row: RowMapping) -> Caller:
    return Caller(subject=row["username"], roles=frozenset(row["roles"]), jurisdiction=row["jurisdiction"],
                  kind="staff")


class SignIn:
    def __init__(
        self,
        db: Database,
        passwords: Passwords,
        issuer: TokenIssuer,
        clock: Clock,
        max_failures: int = 5,
        lockout_s: int = 900,
        session_max_s: int = 43_200,
    ) -> None:
        self._db = db
        self._passwords = passwords
        self._issuer = issuer
        self._clock = clock
        self._max_failures = max_failures
        self._lockout_s = lockout_s
        self._session_max_s = session_max_s

    async def password(self, username: str, password: str) -> IssuedToken:
        row = await self._check(STAFF, normalize_username(username), password)
        # The sign-in time by the same clock that renewals measure the session's age with.
        return self._issuer.issue(
            _staff(row), row["display_name"], self._clock.now().timestamp(), row["assessed_on"]
        )

    async def renew(self, principal: Principal) -> IssuedToken:
        """A fresh token for a member of staff still at work: the window's session lasts while it is
        used, not a token's fifteen minutes. The account is read again (a disabled account or changed
        roles take effect at the next renewal at the latest) and the sign-in time carries over, so no
        session outlives ``session_max_s`` (a working day) without the password. Exchange clients
        sign in again with their credentials instead."""
        if principal.caller.kind != "staff":
            raise Problem(400, "RENEWAL_NOT_SUPPORTED", "数据交换客户端请重新使用客户端凭证换取令牌")
        if self._clock.now().timestamp() - principal.auth_time >= self._session_max_s:
            hours = self._session_max_s / 3600
            raise Problem(401, "SESSION_EXPIRED", f"登录已超过 {hours:g} 小时，请重新登录",
                          headers={"WWW-Authenticate": 'Bearer realm="civic"'})
        async with self._db.transaction() as session:
            row = (await session.execute(select(users).where(users.c.username == principal.subject))).mappings().first()
        if row is None or not row["active"]:
            raise Problem(403, "ACCOUNT_DISABLED", "账号已停用，请联系管理员")
        return self._issuer.issue(_staff(row), row["display_name"], principal.auth_time, row["assessed_on"])

    async def client_credentials(
        self, client_id: str, secret: str, scopes: frozenset[str] | None
    ) -> IssuedToken:
        row = await self._check(CLIENT, client_id.strip(), secret)
        granted = frozenset(row["scopes"])
        if scopes is not None:
            if not scopes <= granted:
                missing = "、".join(sorted(scopes - granted))
                raise Problem(
                    400, "INVALID_SCOPE", f"该客户端未获授权的范围：{missing}", [Violation("scope", missing)]
                )
            granted = scopes
        caller = Caller(
            subject=CLIENT_PREFIX + row["client_id"],
            scopes=granted,
            jurisdiction=row["jurisdiction"],
            kind="client",
        )
        return self._issuer.issue(caller, row["display_name"])

    async def _check(self, kind: CredentialKind, key: str, secret: str) -> RowMapping:
        now = self._clock.now()
        refusal: Problem | None = None
        async with self._db.transaction() as session:
            table = kind.table
            row = (
                (await session.execute(select(table).where(table.c[kind.key] == key).with_for_update()))
                .mappings()
                .first()
            )
            if row is None:
                await self._passwords.verify(None, secret)
                refusal = invalid_credentials(kind)
            elif row["locked_until"] is not None and row["locked_until"] > now:
                refusal = self._waiting(row, now)
            elif not await self._passwords.verify(row[kind.secret], secret):
                refusal = await self._failed(session, kind, row, now)
            elif not row["active"]:
                refusal = Problem(403, "ACCOUNT_DISABLED", "账号已停用，请联系管理员")
            else:
                await self._succeeded(session, kind, row, secret)
        if refusal is not None:  # raised after the commit: the failure count must stay
            raise refusal
        assert row is not None
        return row

    def _waiting(self, row: RowMapping, now: dt.datetime) -> Problem:
        retry = str(max(1, math.ceil((row["locked_until"] - now).total_seconds())))
        if row["failed_attempts"] >= self._max_failures:
            return Problem(
                429,
                "ACCOUNT_LOCKED",
                f"连续登录失败次数过多，账号已锁定，请 {retry} 秒后重试",
                headers={"Retry-After": retry},
            )
        return Problem(
            429, "SIGN_IN_THROTTLED", f"登录尝试过于频繁，请 {retry} 秒后重试", headers={"Retry-After": retry}
        )

    async def _failed(
        self, session: AsyncSession, kind: CredentialKind, row: RowMapping, now: dt.datetime
    ) -> Problem:
        previous = row["failed_attempts"]
        failures = 1 if previous >= self._max_failures else previous + 1  # a served lock-out starts afresh
        locked = failures >= self._max_failures
        wait = self._lockout_s if locked else backoff_s(failures)
        await session.execute(
            update(kind.table)
            .where(kind.table.c[kind.key] == row[kind.key])
            .values(failed_attempts=failures, locked_until=now + dt.timedelta(seconds=wait) if wait else None)
        )
        if locked:
            minutes = math.ceil(self._lockout_s / 60)
            return Problem(
                429,
                "ACCOUNT_LOCKED",
                f"连续 {failures} 次登录失败，账号已锁定 {minutes} 分钟",
                headers={"Retry-After": str(self._lockout_s)},
            )
        return invalid_credentials(kind)

    async def _succeeded(
        self, session: AsyncSession, kind: CredentialKind, row: RowMapping, secret: str
    ) -> None:
        changes: dict[str, object] = {}
        if row["failed_attempts"] or row["locked_until"] is not None:
            changes.update(failed_attempts=0, locked_until=None)
        if self._passwords.needs_rehash(row[kind.secret]):
            changes[kind.secret] = await self._passwords.hash(secret)
        if changes:
            await session.execute(
                update(kind.table)
                .where(kind.table.c[kind.key] == row[kind.key])
                .values(**changes, updated_at=func.now())
            )
