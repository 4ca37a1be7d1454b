"""A service serves only on a schema its migrations have brought up to the code's own revision.

Migrations run before a rollout (the migration Job; `make run` migrates first). If pods of a new
release start first — a plain `kubectl apply -k` of Jobs and Deployments together — new code would
read and write tables it expects changed (a column, a constraint that keeps records right) before
they are. Start therefore waits, with the database, for the schema's revision to be the code's head,
and then exits naming both revisions; the pod restarts and serves once the Job is done. A schema
*newer* than the code (a release rolled back after its migration ran) is served, with a warning:
migrations here add before they remove (expand, then contract in a later release), so the previous
code still works on it.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

from alembic.script import ScriptDirectory

from servicekit.db import Database, driver_connection
from servicekit.logging import get_logger
from servicekit.migrations import alembic_config

log = get_logger(__name__)


class SchemaBehind(RuntimeError):
    """The schema is at an older revision than the code needs."""


def code_revisions(migrations_dir: Path) -> tuple[str, frozenset[str]]:
    """The code's head revision and every revision it knows."""
    script = ScriptDirectory.from_config(alembic_config(migrations_dir, "", ""))
    return script.get_current_head() or "", frozenset(r.revision for r in script.walk_revisions())


async def schema_revision(db: Database, schema: str) -> str | None:
    """The revision the schema is at (None: never migrated)."""
    async with db.transaction() as session:
        conn = await driver_connection(session)
        exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", f'"{schema}".alembic_version')
        return await conn.fetchval(f'SELECT version_num FROM "{schema}".alembic_version') if exists else None


async def require_current_schema(db: Database, schema: str, migrations_dir: Path, wait_s: float = 0.0) -> None:
    """Return once the schema is at the code's head (or newer); raise SchemaBehind after ``wait_s``
    (or the database's error, when it did not answer by then)."""
    head, known = code_revisions(migrations_dir)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            current = await schema_revision(db, schema)
        except Exception:  # noqa: BLE001 - not reachable (yet): wait for it, then say why
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(1.0)
            continue
        if current == head:
            return
        if current is not None and current not in known:
            log.warning("schema_newer_than_code", schema=schema, schema_revision=current, code_revision=head)
            return
        if time.monotonic() >= deadline:
            raise SchemaBehind(
                f'the "{schema}" schema is at revision {current or "(none)"}, this code needs {head}: '
                f"run the migration first (the {schema} migration Job, or `python -m {schema} migrate`)")
        await asyncio.sleep(1.0)
