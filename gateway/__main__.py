"""`python -m gateway serve | migrate | users add NAME … | clients add ID … | clients rotate-secret ID`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import sys

import uvicorn
from servicekit import migrations
from servicekit.db import Database
from servicekit.logging import configure_logging

from gateway.accounts.passwords import Passwords
from gateway.accounts.revocations import Revocations
from gateway.accounts.store import AccountStore, Actor, NewClient, NewUser
from gateway.accounts.tables import MIGRATIONS, SCHEMA
from gateway.app import create_app
from gateway.problems import Problem
from gateway.settings import DatabaseSettings, GatewaySettings

CLI = Actor("cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve HTTP (uvicorn) on CIVIC_HTTP_HOST:CIVIC_HTTP_PORT")
    commands.add_parser("migrate", help="bring the gateway schema to the latest revision")
    users = commands.add_parser("users", help="staff accounts").add_subparsers(dest="action", required=True)
    add_user = users.add_parser("add", help="create a staff account (password read from stdin)")
    add_user.add_argument("username")
    add_user.add_argument(
        "--role", action="append", required=True, dest="roles", help="repeat for several roles"
    )
    add_user.add_argument(
        "--jurisdiction", default="", help="division-code prefix of the office, e.g. 421281"
    )
    add_user.add_argument("--display-name", default="")
    add_user.add_argument(
        "--assessed-on",
        type=dt.date.fromisoformat,
        default=None,
        help="a registrar's last passed training assessment, YYYY-MM-DD (rules.md §1.4: registers 2 years)",
    )
    add_user.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from the first line of stdin",
    )
    clients = commands.add_parser("clients", help="exchange clients").add_subparsers(
        dest="action", required=True
    )
    add_client = clients.add_parser("add", help="create an exchange client and print its secret (once)")
    add_client.add_argument("client_id")
    add_client.add_argument("--scope", action="append", required=True, dest="scopes")
    add_client.add_argument("--jurisdiction", default="")
    add_client.add_argument("--display-name", default="")
    rotate = clients.add_parser(
        "rotate-secret",
        help="issue a new secret for an exchange client and print it (once): the old secret and the "
        "client's tokens stop working at once",
    )
    rotate.add_argument("client_id")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(GatewaySettings())  # type: ignore[call-arg]
    settings = DatabaseSettings()  # type: ignore[call-arg]
    configure_logging("gateway", settings.log_level, stream=sys.stderr)
    if args.command == "migrate":
        migrations.upgrade(MIGRATIONS, settings.database_url, SCHEMA)
        return 0
    if args.command == "users":
        password = sys.stdin.readline().rstrip("\r\n")
        spec = NewUser(
            args.username, password, tuple(args.roles), args.jurisdiction, args.display_name, args.assessed_on
        )
        return asyncio.run(_with_store(settings, lambda store: _add_user(store, spec)))
    if args.action == "rotate-secret":
        return asyncio.run(_with_store(settings, lambda store: _rotate_secret(store, args.client_id)))
    spec_client = NewClient(args.client_id, tuple(args.scopes), args.jurisdiction, args.display_name)
    return asyncio.run(_with_store(settings, lambda store: _add_client(store, spec_client)))


SHUTDOWN_GRACE_S = 10  # after the longest request: for the rest to finish (deploy/k8s SERVER_GRACE_S)


def graceful_shutdown_s(feed_max_wait_s: float) -> int:
    """How long uvicorn waits, after SIGTERM, for requests in flight before cancelling them: a
    change-feed long poll may hold its request feed_max_wait_s (a shorter wait cut it and left the
    province platform without an answer). The pods' terminationGracePeriodSeconds covers it."""
    return math.ceil(feed_max_wait_s) + SHUTDOWN_GRACE_S


def serve(settings: GatewaySettings) -> int:
    configure_logging("gateway", settings.log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        http="httptools",
        loop="uvloop",
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=graceful_shutdown_s(settings.feed_max_wait_s),
    )
    uvicorn.Server(config).run()
    return 0


async def _with_store(settings: DatabaseSettings, work) -> int:
    db = Database(settings.database_url, SCHEMA, pool_size=1)
    try:
        return await work(AccountStore(db, Passwords(), Revocations(db, token_ttl_s=3600)))
    except Problem as problem:
        print(f"error: {problem.detail} ({problem.reason})", file=sys.stderr)
        for violation in problem.violations:
            print(f"  {violation.field}: {violation.description}", file=sys.stderr)
        return 1
    finally:
        await db.dispose()


async def _add_user(store: AccountStore, spec: NewUser) -> int:
    account = await store.create_user(spec, CLI)
    print(
        f"created {account.username} ({', '.join(account.roles)}; jurisdiction {account.jurisdiction or '-'})"
    )
    return 0


async def _add_client(store: AccountStore, spec: NewClient) -> int:
    client, secret = await store.create_client(spec, CLI)
    print(f"created client {client.client_id} ({', '.join(client.scopes)})")
    print(f"client_secret: {secret}")
    return 0


async def _rotate_secret(store: AccountStore, client_id: str) -> int:
    client, secret = await store.rotate_client_secret(client_id, CLI)
    print(f"new secret for client {client.client_id}: the old secret and its tokens no longer work")
    print(f"client_secret: {secret}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
