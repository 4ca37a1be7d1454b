"""Accounts created at start: the first admin (CIVIC_BOOTSTRAP_ADMIN) and, in development only,
one demo account per role plus one exchange client (`make run` prints them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gateway.accounts.qualification import REGISTRAR
from gateway.accounts.roles import ROLES, SCOPES
from gateway.accounts.store import AccountStore, Actor, NewClient, NewUser
from gateway.problems import Problem

DEMO_JURISDICTION = "421281"  # 赤壁市
DEMO_PASSWORD = "civic-demo"
DEMO_CLIENT_ID = "province-exchange"
DEMO_CLIENT_SECRET = "civic-demo-exchange-secret"
BOOTSTRAP = Actor("bootstrap")


@dataclass(frozen=True)
class DemoLogin:
    kind: str  # "staff" (password grant) or "client" (client-credentials grant)
    name: str  # username or client id
    secret: str
    grants: tuple[str, ...]  # roles or scopes
    jurisdiction: str
    label: str


def demo_logins() -> list[DemoLogin]:
    """The demo accounts `CIVIC_DEMO_ACCOUNTS=true` creates (development only), for printing."""
    staff = [
        DemoLogin("staff", role, DEMO_PASSWORD, (role,), DEMO_JURISDICTION, label)
        for role, label in ROLES.items()
    ]
    client = DemoLogin("client", DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, tuple(SCOPES), "", "省级数据交换平台")
    return [*staff, client]


def demo_assessed_on(today: dt.date) -> dt.date:
    """The demo registrar's last passed training assessment (rules.md §1.4), made up for the demo: the
    latest 20 April (a yearly spring session of the prefecture's bureau) on or before ``today`` — within
    the last year, so the demo registers, and more than 60 days before the lapse the home page warns
    of. A kept `.civic/` ages like a real account: two years on, its registrar has lapsed."""
    this_year = dt.date(today.year, 4, 20)
    return this_year if this_year <= today else dt.date(today.year - 1, 4, 20)


async def ensure_demo_accounts(store: AccountStore, today: dt.date) -> int:
    """Create the demo logins that do not exist yet (``today``: the gateway's); returns how many were
    created."""
    created = 0
    for login in demo_logins():
        if login.kind == "staff":
            created += await store.ensure_user(
                NewUser(
                    login.name, login.secret, login.grants, login.jurisdiction, f"演示账号（{login.label}）",
                    demo_assessed_on(today) if REGISTRAR in login.grants else None,
                ),
                BOOTSTRAP,
            )
            continue
        try:
            await store.create_client(
                NewClient(login.name, login.grants, login.jurisdiction, login.label),
                BOOTSTRAP,
                secret=login.secret,
            )
            created += 1
        except Problem as problem:
            if problem.status != 409:
                raise
    return created


async def ensure_bootstrap_admin(store: AccountStore, username: str, password: str) -> bool:
    return await store.ensure_user(NewUser(username, password, ("admin",), "", "系统管理员"), BOOTSTRAP)
