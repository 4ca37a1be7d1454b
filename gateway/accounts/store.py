"""Staff accounts and exchange clients: create, read, change — each change audited in the same
transaction, and tokens issued before a change of password or secret, roles or scopes, jurisdiction
or status revoked."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from servicekit.clock import Clock, SystemClock
from servicekit.db import Database
from servicekit.errors import DomainError
from servicekit.identifiers import validate_division_code
from servicekit.uuid7 import uuid7
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.accounts.passwords import Passwords, new_client_secret, password_problem
from gateway.accounts.revocations import Revocations
from gateway.accounts.roles import ADMIN, ROLES, SCOPES
from gateway.accounts.signin import CLIENT_PREFIX, normalize_username
from gateway.accounts.tables import audit_log, clients, users
from gateway.problems import Problem, Violation, bad_request

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_JURISDICTION_LENGTHS = (2, 4, 6, 9, 12)
# Changing one of these ends the sessions the account has (a token carries the roles, jurisdiction
# and assessment date it was issued with: a changed date must not leave a registrar registering on
# an older one).
_SESSION_FIELDS = (
    "password_hash", "roles", "jurisdiction", "active", "scopes", "secret_hash", "assessed_on"
)


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    roles: tuple[str, ...]
    jurisdiction: str
    active: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    assessed_on: dt.date | None = None  # 培训考核合格日期 (rules.md §1.4)

    @classmethod
    def from_row(cls, row: RowMapping) -> Account:
        return cls(
            row["username"],
            row["display_name"],
            tuple(row["roles"]),
            row["jurisdiction"],
            row["active"],
            row["failed_attempts"],
            row["locked_until"],
            row["created_at"],
            row["updated_at"],
            row["assessed_on"],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "displayName": self.display_name,
            "roles": list(self.roles),
            "jurisdiction": self.jurisdiction,
            "active": self.active,
            "failedAttempts": self.failed_attempts,
            "lockedUntil": _iso(self.locked_until),
            "assessedOn": self.assessed_on.isoformat() if self.assessed_on else None,
            "createTime": _iso(self.created_at),
            "updateTime": _iso(self.updated_at),
        }


@dataclass(frozen=True)
class ExchangeClient:
    client_id: str
    display_name: str
    scopes: tuple[str, ...]
    jurisdiction: str
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: RowMapping) -> ExchangeClient:
        return cls(
            row["client_id"],
            row["display_name"],
            tuple(row["scopes"]),
            row["jurisdiction"],
            row["active"],
            row["created_at"],
            row["updated_at"],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "clientId": self.client_id,
            "displayName": self.display_name,
            "scopes": list(self.scopes),
            "jurisdiction": self.jurisdiction,
            "active": self.active,
            "createTime": _iso(self.created_at),
            "updateTime": _iso(self.updated_at),
        }


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    roles: tuple[str, ...]
    jurisdiction: str = ""
    display_name: str = ""
    assessed_on: dt.date | None = None  # a registrar's last passed training assessment


@dataclass(frozen=True)
class NewClient:
    client_id: str
    scopes: tuple[str, ...]
    jurisdiction: str = ""
    display_name: str = ""


@dataclass(frozen=True)
class Actor:
    """Who changes an account, for the audit row; `within` limits which accounts they may touch."""

    subject: str
    request_id: str = ""
    within: str = ""


@dataclass
class Changes:
    values: dict[str, Any] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)


def jurisdiction_problem(value: str) -> str | None:
    if value == "":
        return None
    if not value.isascii() or not value.isdigit() or len(value) not in _JURISDICTION_LENGTHS:
        return "应为区划代码前缀（2、4、6、9 或 12 位数字），空表示全局"
    if len(value) >= 6:
        try:
            validate_division_code(value if len(value) != 9 else value + "000", "jurisdiction")
        except DomainError as err:
            return err.message
    return None


def _names_problem(values: Any, known: dict[str, str], what: str) -> str | None:
    if not isinstance(values, (list, tuple)) or not values or not all(isinstance(v, str) for v in values):
        return f"应为非空的{what}列表"
    unknown = sorted(set(values) - set(known))
    return f"未知的{what}：{'、'.join(unknown)}" if unknown else None


def _outside(jurisdiction: str, actor: Actor) -> bool:
    return not jurisdiction.startswith(actor.within)


def _jurisdiction_change_problem(value: Any, actor: Actor) -> str | None:
    """A PATCH's new jurisdiction (of an account or a client): a division-code prefix, as at
    creation, inside the admin's own."""
    problem = jurisdiction_problem(value) if isinstance(value, str) else "应为字符串"
    if problem is None and _outside(value, actor):
        problem = f"只能设为本辖区（{actor.within}）内的区划"
    return problem


def assessment_problem(value: dt.date | None, today: dt.date) -> str | None:
    """A recorded assessment date cannot lie ahead of the gateway's today."""
    if value is not None and value > today:
        return f"培训考核合格日期不能晚于今天（{today.isoformat()}）"
    return None


def parse_assessed_on(value: Any) -> tuple[dt.date | None, str | None]:
    """The JSON value of `assessedOn` (YYYY-MM-DD, or null to clear it) → (date, problem)."""
    if value is None:
        return None, None
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value), None
        except ValueError:
            pass
    return None, "应为日期 YYYY-MM-DD（如 2025-03-01），或 null 表示未登记"


class AccountStore:
    def __init__(
        self, db: Database, passwords: Passwords, revocations: Revocations, clock: Clock | None = None
    ) -> None:
        self._db = db
        self._passwords = passwords
        self._revocations = revocations
        self._clock = clock or SystemClock()

    # ---- staff ---------------------------------------------------------------------------------

    def check_new_user(self, spec: NewUser, actor: Actor) -> list[Violation]:
        violations = []
        if not _USERNAME.match(normalize_username(spec.username)):
            violations.append(Violation("username", "用户名须为 2–64 位小写字母、数字、点、下划线或连字符"))
        for name, problem in (
            ("password", password_problem(spec.password)),
            ("roles", _names_problem(list(spec.roles), ROLES, "角色")),
            ("jurisdiction", jurisdiction_problem(spec.jurisdiction)),
            ("assessedOn", assessment_problem(spec.assessed_on, self._clock.today())),
        ):
            if problem:
                violations.append(Violation(name, problem))
        if _outside(spec.jurisdiction, actor):
            violations.append(Violation("jurisdiction", f"只能在本辖区（{actor.within}）内创建账号"))
        return violations

    async def create_user(self, spec: NewUser, actor: Actor) -> Account:
        violations = self.check_new_user(spec, actor)
        if violations:
            raise bad_request("INVALID_ACCOUNT", "账号信息有误", violations)
        row = await self._insert_user(spec, actor)
        if row is None:
            raise Problem(409, "USERNAME_TAKEN", f"用户名 {normalize_username(spec.username)} 已存在")
        return Account.from_row(row)

    async def ensure_user(self, spec: NewUser, actor: Actor) -> bool:
        """Create the account unless one of that name exists (start-up bootstrap; replicas race)."""
        violations = self.check_new_user(spec, actor)
        if violations:
            raise ValueError("; ".join(f"{v.field}: {v.description}" for v in violations))
        return await self._insert_user(spec, actor) is not None

    async def _insert_user(self, spec: NewUser, actor: Actor) -> RowMapping | None:
        password_hash = await self._passwords.hash(spec.password)
        username = normalize_username(spec.username)
        async with self._db.transaction() as session:
            row = (
                (
                    await session.execute(
                        pg_insert(users)
                        .values(
                            username=username,
                            display_name=spec.display_name.strip(),
                            password_hash=password_hash,
                            roles=sorted(set(spec.roles)),
                            jurisdiction=spec.jurisdiction,
                            assessed_on=spec.assessed_on,
                        )
                        .on_conflict_do_nothing(index_elements=["username"])
                        .returning(*users.c)
                    )
                )
                .mappings()
                .first()
            )
            if row is not None:
                await _audit(
                    session,
                    actor,
                    "account.create",
                    f"users/{username}",
                    None,
                    Account.from_row(row).to_json(),
                )
        return row

    async def list_users(self, actor: Actor) -> list[Account]:
        async with self._db.transaction() as session:
            rows = (
                (
                    await session.execute(
                        select(users)
                        .where(users.c.jurisdiction.startswith(actor.within))
                        .order_by(users.c.username)
                    )
                )
                .mappings()
                .all()
            )
        return [Account.from_row(row) for row in rows]

    async def get_user(self, username: str, actor: Actor) -> Account:
        async with self._db.transaction() as session:
            return Account.from_row(await self._user_row(session, normalize_username(username), actor))

    async def _user_row(
        self, session: AsyncSession, username: str, actor: Actor, lock: bool = False
    ) -> RowMapping:
        query = select(users).where(users.c.username == username)
        row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
        if row is None or _outside(row["jurisdiction"], actor):
            raise Problem(404, "ACCOUNT_NOT_FOUND", f"账号 {username} 不存在")
        return row

    async def user_changes(self, body: dict[str, Any], actor: Actor) -> Changes:
        """An admin's PATCH body → column values (password hashed), or violations."""
        changes = Changes()
        for key, value in body.items():
            if _shared_change(changes, key, value, actor, ("roles", ROLES, "角色")):
                continue
            if key == "assessedOn":
                day, problem = parse_assessed_on(value)
                problem = problem or assessment_problem(day, self._clock.today())
                if problem:
                    changes.violations.append(Violation("assessedOn", problem))
                else:
                    changes.values["assessed_on"] = day
            elif key == "password":
                problem = password_problem(value) if isinstance(value, str) else "应为字符串"
                if problem is None:
                    changes.values["password_hash"] = await self._passwords.hash(value)
                else:
                    changes.violations.append(Violation("password", problem))
            else:
                changes.violations.append(Violation(key, "未知字段或不可修改"))
        return changes

    async def update_user(
        self, username: str, changes: Changes, actor: Actor, unlock: bool = False
    ) -> Account:
        if changes.violations:
            raise bad_request("INVALID_ACCOUNT", "账号信息有误", changes.violations)
        values = dict(changes.values)
        if unlock or "password_hash" in values:
            values.update(failed_attempts=0, locked_until=None)
        username = normalize_username(username)
        if username == actor.subject and (
            values.get("active") is False or ("roles" in values and ADMIN not in values["roles"])
        ):
            raise Problem(
                409, "OWN_ADMIN_ACCESS", "不能停用自己的账号或移除自己的管理员角色（以免无人管理账号）"
            )
        async with self._db.transaction() as session:
            before = await self._user_row(session, username, actor, lock=True)
            after = (
                (
                    await session.execute(
                        update(users)
                        .where(users.c.username == username)
                        .values(**values, updated_at=func.now())
                        .returning(*users.c)
                    )
                )
                .mappings()
                .one()
            )
            action = "account.unlock" if unlock and not changes.values else "account.update"
            await _audit(
                session,
                actor,
                action,
                f"users/{username}",
                Account.from_row(before).to_json(),
                Account.from_row(after).to_json(),
                changed=sorted(values),
            )
            if any(name in values for name in _SESSION_FIELDS):
                await self._revocations.revoke_subject(session, username)
        await self._revocations.refresh()
        return Account.from_row(after)

    async def unlock_user(self, username: str, actor: Actor) -> Account:
        return await self.update_user(username, Changes(), actor, unlock=True)

    # ---- exchange clients ----------------------------------------------------------------------

    def check_new_client(self, spec: NewClient, actor: Actor) -> list[Violation]:
        violations = []
        if _outside(spec.jurisdiction, actor):
            violations.append(Violation("jurisdiction", f"只能在本辖区（{actor.within}）内创建客户端"))
        if not _CLIENT_ID.match(spec.client_id):
            violations.append(
                Violation("clientId", "客户端标识须为 2–64 位小写字母、数字、点、下划线或连字符")
            )
        for name, problem in (
            ("scopes", _names_problem(list(spec.scopes), SCOPES, "授权范围")),
            ("jurisdiction", jurisdiction_problem(spec.jurisdiction)),
        ):
            if problem:
                violations.append(Violation(name, problem))
        return violations

    async def create_client(
        self, spec: NewClient, actor: Actor, secret: str | None = None
    ) -> tuple[ExchangeClient, str]:
        """A new exchange client and its secret (shown once; only its hash is kept)."""
        violations = self.check_new_client(spec, actor)
        if violations:
            raise bad_request("INVALID_CLIENT", "客户端信息有误", violations)
        secret = secret or new_client_secret()
        secret_hash = await self._passwords.hash(secret)
        async with self._db.transaction() as session:
            row = (
                (
                    await session.execute(
                        pg_insert(clients)
                        .values(
                            client_id=spec.client_id,
                            display_name=spec.display_name.strip(),
                            secret_hash=secret_hash,
                            scopes=sorted(set(spec.scopes)),
                            jurisdiction=spec.jurisdiction,
                        )
                        .on_conflict_do_nothing(index_elements=["client_id"])
                        .returning(*clients.c)
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                raise Problem(409, "CLIENT_ID_TAKEN", f"客户端 {spec.client_id} 已存在")
            client = ExchangeClient.from_row(row)
            await _audit(session, actor, "client.create", f"clients/{spec.client_id}", None, client.to_json())
        return client, secret

    async def list_clients(self, actor: Actor) -> list[ExchangeClient]:
        async with self._db.transaction() as session:
            rows = (
                (
                    await session.execute(
                        select(clients)
                        .where(clients.c.jurisdiction.startswith(actor.within))
                        .order_by(clients.c.client_id)
                    )
                )
                .mappings()
                .all()
            )
        return [ExchangeClient.from_row(row) for row in rows]

    async def _locked_client_row(self, session: AsyncSession, client_id: str, actor: Actor) -> RowMapping:
        query = select(clients).where(clients.c.client_id == client_id).with_for_update()
        row = (await session.execute(query)).mappings().first()
        if row is None or _outside(row["jurisdiction"], actor):
            raise Problem(404, "CLIENT_NOT_FOUND", f"客户端 {client_id} 不存在")
        return row

    def client_changes(self, body: dict[str, Any], actor: Actor) -> Changes:
        """An admin's PATCH body → column values, or violations. Each field is optional; only what
        is sent changes. Scopes and jurisdiction are checked as at creation (`check_new_client`)."""
        changes = Changes()
        if not body:
            changes.violations.append(
                Violation("", "请至少提供一项要修改的内容：active、scopes、jurisdiction 或 displayName")
            )
        for key, value in body.items():
            if not _shared_change(changes, key, value, actor, ("scopes", SCOPES, "授权范围")):
                changes.violations.append(Violation(key, "未知字段或不可修改"))
        return changes

    async def update_client(self, client_id: str, changes: Changes, actor: Actor) -> ExchangeClient:
        """Active, scopes, jurisdiction, display name: a changed scope set, jurisdiction or status
        ends the client's tokens (a token carries the scopes and jurisdiction it was issued with, so
        a narrowed client must not go on reading under its old one)."""
        if changes.violations:
            raise bad_request("INVALID_CLIENT", "客户端信息有误", changes.violations)
        return await self._change_client(client_id, changes.values, actor, "client.update")

    async def rotate_client_secret(self, client_id: str, actor: Actor) -> tuple[ExchangeClient, str]:
        """A new secret for the client (shown once; only its hash is kept, as at creation): the old
        one stops signing in and the tokens issued with it end. A lock-out earned by a platform still
        trying the lost secret is lifted, as a password reset lifts a person's."""
        secret = new_client_secret()
        values = {
            "secret_hash": await self._passwords.hash(secret), "failed_attempts": 0, "locked_until": None
        }
        client = await self._change_client(client_id, values, actor, "client.rotate_secret")
        return client, secret

    async def _change_client(
        self, client_id: str, values: dict[str, Any], actor: Actor, action: str
    ) -> ExchangeClient:
        """Change a client's row, audited with before and after (never a secret hash) in the same
        transaction; the client's tokens end when a session field (`_SESSION_FIELDS`) changed."""
        async with self._db.transaction() as session:
            before = await self._locked_client_row(session, client_id, actor)
            after = (
                (
                    await session.execute(
                        update(clients)
                        .where(clients.c.client_id == client_id)
                        .values(**values, updated_at=func.now())
                        .returning(*clients.c)
                    )
                )
                .mappings()
                .one()
            )
            await _audit(
                session,
                actor,
                action,
                f"clients/{client_id}",
                ExchangeClient.from_row(before).to_json(),
                ExchangeClient.from_row(after).to_json(),
                changed=sorted(values),
            )
            if any(before[name] != after[name] for name in _SESSION_FIELDS if name in values):
                await self._revocations.revoke_subject(session, CLIENT_PREFIX + client_id)
        await self._revocations.refresh()
        return ExchangeClient.from_row(after)


def _shared_change(
    changes: Changes, key: str, value: Any, actor: Actor, names: tuple[str, dict[str, str], str]
) -> bool:
    """A PATCH field an account and a client share — displayName, active, jurisdiction and their
    roles or scopes (`names`: the field, the known names, what they are called) — into `changes`;
    False for a field of neither."""
    column, known, what = names
    if key == "displayName" and isinstance(value, str):
        changes.values["display_name"] = value.strip()
    elif key == "active" and isinstance(value, bool):
        changes.values["active"] = value
    elif key in ("displayName", "active"):
        changes.violations.append(Violation(key, "类型错误"))
    elif key == "jurisdiction":
        _set_or_flag(changes, "jurisdiction", value, _jurisdiction_change_problem(value, actor))
    elif key == column:
        problem = _names_problem(value, known, what)
        _set_or_flag(changes, column, None if problem else sorted(set(value)), problem)
    else:
        return False
    return True


def _set_or_flag(changes: Changes, column: str, value: Any, problem: str | None) -> None:
    if problem:
        changes.violations.append(Violation(column, problem))
    else:
        changes.values[column] = value


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    resource: str,
    before: Any,
    after: Any,
    changed: list[str] | None = None,
) -> None:
    """An append-only audit row; the snapshots never hold a password or secret hash. It falls under
    the account's (or client's) jurisdiction, as the services' rows fall under their record's office."""
    reason = "changed: " + ", ".join(sorted({_column_label(c) for c in changed})) if changed else ""
    await session.execute(
        insert(audit_log).values(
            id=uuid7(),
            actor=actor.subject,
            request_id=actor.request_id,
            action=action,
            resource=resource,
            reason=reason,
            before=before,
            after=after,
            office_code=after["jurisdiction"],
        )
    )


def _column_label(column: str) -> str:
    labels = {
        "password_hash": "password", "secret_hash": "secret", "failed_attempts": "lock", "locked_until": "lock"
    }
    return labels.get(column, column)
