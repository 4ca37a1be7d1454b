"""`python -m <svc> serve|migrate|seed` for every service, and `rekey` for those that store
encrypted personal data (see servicekit.rekey)."""
from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

from servicekit import migrations
from servicekit.db import Database
from servicekit.logging import configure_logging, get_logger
from servicekit.pii_keys import PiiKeyMismatch, verify_pii_keys
from servicekit.rekey import DEFAULT_BATCH, EncryptedColumns, RekeyError, rekey
from servicekit.server import ServiceRuntime, ServiceSpec
from servicekit.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceCli:
    name: str
    settings_cls: type[ServiceSettings]
    spec: Callable[[], ServiceSpec]
    migrations_dir: Path
    # Loads reference data (idempotent); run by `make run` after migrating.
    seed: Callable[[ServiceSettings], Awaitable[None]] | None = None
    # Every encrypted column of the service (one list per service, checked against its tables by
    # a test): `rekey` re-encrypts them after a key rotation. Empty: the service stores none.
    encrypted: tuple[EncryptedColumns, ...] = ()

    def main(self, argv: list[str] | None = None) -> None:
        parser = argparse.ArgumentParser(prog=f"python -m {self.name}")
        commands = ["serve", "migrate", "seed", *(["rekey"] if self.encrypted else [])]
        parser.add_argument("command", choices=commands)
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH,
                            help="rekey: rows per transaction (default %(default)s)")
        parser.add_argument("--check", action="store_true",
                            help="rekey: count the values still to re-encrypt, change nothing; "
                                 "exit status 1 when there are any")
        args = parser.parse_args(argv)
        settings = self.settings_cls()  # type: ignore[call-arg]
        configure_logging(self.name, settings.log_level)
        if args.command == "migrate":
            spec = self.spec()
            migrations.upgrade(self.migrations_dir, settings.database_url, spec.schema)
        elif args.command == "seed":
            if self.seed is not None:
                asyncio.run(self.seed(settings))
        elif args.command == "rekey":
            raise SystemExit(asyncio.run(self.run_rekey(settings, args.batch_size, args.check)))
        else:
            _run(ServiceRuntime(self.spec(), settings))

    async def run_rekey(self, settings: ServiceSettings, batch_size: int = DEFAULT_BATCH,
                    check: bool = False) -> int:
        """Exit status: 0 done (or, with check, nothing left), 1 values left (check), 2 error."""
        db = Database(settings.database_url, self.spec().schema, pool_size=1)
        try:
            cipher = settings.pii_cipher()
            await verify_pii_keys(db, cipher)
            reports = await rekey(db, cipher, self.encrypted, batch_size=batch_size, check=check)
        except (RekeyError, PiiKeyMismatch) as err:  # a person must look: not "values left" (1)
            get_logger(__name__).error("rekey_failed", error=str(err))
            return 2
        finally:
            await db.dispose()
        left = sum(n for r in reports for n in r.reencrypted.values())
        return 1 if check and left else 0


def _run(runtime: ServiceRuntime) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(runtime.serve_forever())
    else:
        uvloop.run(runtime.serve_forever())
