"""`python -m <svc> serve|migrate|seed` for every service."""
from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

from servicekit import migrations
from servicekit.logging import configure_logging
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

    def main(self, argv: list[str] | None = None) -> None:
        parser = argparse.ArgumentParser(prog=f"python -m {self.name}")
        parser.add_argument("command", choices=["serve", "migrate", "seed"])
        args = parser.parse_args(argv)
        settings = self.settings_cls()  # type: ignore[call-arg]
        configure_logging(self.name, settings.log_level)
        if args.command == "migrate":
            spec = self.spec()
            migrations.upgrade(self.migrations_dir, settings.database_url, spec.schema)
        elif args.command == "seed":
            if self.seed is not None:
                asyncio.run(self.seed(settings))
        else:
            _run(ServiceRuntime(self.spec(), settings))


def _run(runtime: ServiceRuntime) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(runtime.serve_forever())
    else:
        uvloop.run(runtime.serve_forever())
