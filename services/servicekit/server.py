"""The service runtime: grpc.aio server, health, reflection, relay, consumers, graceful shutdown.

Every service's bootstrap builds a `ServiceSpec` and hands it to `ServiceRuntime`; this file is the
only place that knows how the pieces are started and stopped.
"""
from __future__ import annotations

import asyncio
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable

import grpc
import nats
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from servicekit.caller_token import CallerVerifier
from servicekit.clock import Clock, SystemClock
from servicekit.consumer import ConsumerSpec, EventConsumer
from servicekit.db import Database
from servicekit.events import ensure_stream
from servicekit.interceptors import (
    CallerAuthInterceptor,
    ErrorInterceptor,
    LoggingInterceptor,
    RequestContextInterceptor,
)
from servicekit.logging import error_text, get_logger
from servicekit.metrics import MetricsServer, ServiceMetrics, watch_backlog
from servicekit.pii import PiiCipher
from servicekit.pii_keys import verify_pii_keys
from servicekit.relay import OutboxRelay
from servicekit.schema_version import require_current_schema
from servicekit.settings import ServiceSettings
from servicekit.tables import KitTables
from servicekit.uow import UnitOfWorkFactory

log = get_logger(__name__)
HEALTH_INTERVAL_S = 1.0
# A health name that says only "the process answers": for liveness probes, which must not restart
# a pod because its database is away (readiness, the default name "", covers the database).
LIVENESS = "liveness"
# A health name for monitoring, SERVING while this process is connected to NATS. Not part of
# readiness: while NATS is away every write still commits with its events in the outbox (the relay
# publishes them once NATS is back; consumers catch up from the stream), so taking the pods out of
# their Service would stop the registry windows for nothing.
NATS_HEALTH = "nats"


@dataclass
class Infrastructure:
    """The concrete objects a service's use cases are built from. ``nc``/``js`` are None until NATS
    has answered (a service may start while it is away: see ``ServiceRuntime.start``)."""

    settings: ServiceSettings
    db: Database
    nc: NATS | None
    js: JetStreamContext | None
    clock: Clock
    cipher: PiiCipher
    uow: UnitOfWorkFactory


Registrar = Callable[[grpc.aio.Server, Infrastructure], list[str]]
Background = Callable[[Infrastructure, asyncio.Event], Awaitable[None]]


@dataclass
class ServiceSpec:
    name: str
    schema: str
    tables: KitTables
    register: Registrar
    consumers: Callable[[Infrastructure], list[ConsumerSpec]] = lambda infra: []
    background: list[Background] = field(default_factory=list)
    # The service's migrations: start serves only on a schema at their head (servicekit.schema_version).
    migrations_dir: Path | None = None


# How long start waits for PostgreSQL (and the schema its migration Job creates) before it gives up
# and exits; the pods' startup probe (deploy/k8s/generate.py) covers this wait and NATS's.
DATABASE_START_WAIT_S = 30.0
# How long start waits for NATS before serving without it (then it keeps trying in the background).
NATS_START_WAIT_S = 10.0
NATS_RETRY_S = 1.0
NATS_ERROR_EVERY_S = 30.0  # while NATS stays away, one nats_error line per this many seconds


class _NatsEvents:
    """nats-py's callbacks as one-line records. Its default error callback logs every failed
    reconnect attempt (two a second here) at level error with a full traceback."""

    def __init__(self) -> None:
        self._last_error = float("-inf")
        self._suppressed = 0

    async def error(self, exc: Exception) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._last_error < NATS_ERROR_EVERY_S:
            self._suppressed += 1
            return
        log.warning("nats_error", error=error_text(exc), suppressed=self._suppressed)
        self._last_error, self._suppressed = now, 0

    async def disconnected(self) -> None:
        log.warning("nats_disconnected")

    async def reconnected(self) -> None:
        log.info("nats_reconnected")
        self._last_error, self._suppressed = float("-inf"), 0


async def connect_nats(url: str, name: str, wait_s: float | None = 30.0) -> NATS:
    """Connect, waiting up to ``wait_s`` (None: as long as it takes) for NATS to answer —
    asyncio.TimeoutError after that; once connected, reconnect forever. (With unlimited reconnects
    nats-py retries a failed first connect by itself, every ``reconnect_time_wait``, and never gives
    up: the wait is bounded here.)"""
    events = _NatsEvents()
    connecting = nats.connect(url, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                              connect_timeout=2, allow_reconnect=True, error_cb=events.error,
                              disconnected_cb=events.disconnected, reconnected_cb=events.reconnected)
    return await (connecting if wait_s is None else asyncio.wait_for(connecting, wait_s))


async def _close_quietly(nc: NATS) -> None:
    """Drain (or close, when disconnected). With NATS away nats-py's close can fail writing to the
    dead socket: stop all the same — nothing is left to send, the outbox keeps it."""
    try:
        await nc.drain() if nc.is_connected else await nc.close()
    except Exception as exc:  # noqa: BLE001
        log.warning("nats_close_failed", error=error_text(exc))


class ServiceRuntime:
    def __init__(self, spec: ServiceSpec, settings: ServiceSettings, clock: Clock | None = None) -> None:
        self.spec = spec
        self.settings = settings
        self.clock = clock or SystemClock()
        self.port = 0
        self.infra: Infrastructure | None = None
        self._server: grpc.aio.Server | None = None
        self._health = health.aio.HealthServicer()
        self._services: list[str] = []
        self._stop = asyncio.Event()
        self._draining = False
        self._tasks: list[asyncio.Task] = []
        self._events_later: asyncio.Task | None = None  # started without NATS: waiting for it
        self.consumers: list[EventConsumer] = []
        self.relay: OutboxRelay | None = None
        self.metrics = ServiceMetrics(spec.name)
        self.metrics_server: MetricsServer | None = None
        self.metrics_port = 0

    async def start(self) -> int:
        s = self.settings
        db = Database(s.database_url, self.spec.schema, s.db_pool_size)
        cipher = s.pii_cipher()
        waited_until = time.monotonic() + DATABASE_START_WAIT_S
        try:  # before anything is served or written: code newer than its tables stops here (first:
            # the key check below writes, and reads a table an unmigrated schema lacks), and so do
            # keys the stored data was not written with
            if self.spec.migrations_dir is not None:
                await require_current_schema(db, self.spec.schema, self.spec.migrations_dir,
                                             wait_s=DATABASE_START_WAIT_S)
            await verify_pii_keys(db, cipher, wait_s=max(0.0, waited_until - time.monotonic()))
        except BaseException:
            await db.dispose()
            raise
        uow = UnitOfWorkFactory(db, self.spec.tables, self.spec.name, self.clock)
        self.infra = infra = Infrastructure(s, db, None, None, self.clock, cipher, uow)
        consumers = self.spec.consumers(infra)

        server = grpc.aio.server(interceptors=[
            RequestContextInterceptor(), LoggingInterceptor(self.metrics), ErrorInterceptor(self.spec.name),
            CallerAuthInterceptor(CallerVerifier(s.caller_public_key)),
        ], options=[("grpc.so_reuseport", 0),
                    # No max_connection_age_grace_ms: its default lets every call in flight finish
                    # (a bulk import may take minutes).
                    ("grpc.max_connection_age_ms", int(s.max_connection_age_s * 1000))])
        self._services = self.spec.register(server, infra)
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        reflection.enable_server_reflection(
            [*self._services, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
             reflection.SERVICE_NAME], server)
        # grpc's health servicer starts with "" SERVING: not before the consumers and the relay run
        # (or, NATS being away, before start has given up waiting for it).
        await self._set_health(False, False)
        self.port = server.add_insecure_port(f"{s.grpc_host}:{s.grpc_port}")
        await server.start()
        self._server = server
        self.metrics_server = MetricsServer(self.metrics.registry, s.grpc_host, s.metrics_port)
        self.metrics_port = self.metrics_server.port

        try:
            nc = await connect_nats(s.nats_url, self.spec.name, wait_s=NATS_START_WAIT_S)
        except Exception as exc:  # noqa: BLE001 - serve without it: every write keeps its events in the outbox
            log.warning("nats_unavailable_at_start", error=error_text(exc),
                        hint="serving; events wait in the outbox, consumers start once NATS answers")
            self._events_later = asyncio.ensure_future(self._start_events_later(consumers))
        else:
            await self._start_events(nc, consumers)
        for job in self.spec.background:
            self._spawn(job(infra, self._stop))
        self._spawn(self._watch_health())
        self._spawn(watch_backlog(db, self.metrics, [c.durable for c in consumers], self._stop))
        await self._health.set(LIVENESS, health_pb2.HealthCheckResponse.SERVING)
        await self._set_health(*await self._dependencies_ok())
        log.info("service_started", port=self.port, metrics_port=self.metrics_port)
        return self.port

    def _spawn(self, coro: Awaitable[None]) -> None:
        self._tasks.append(asyncio.ensure_future(coro))

    async def _start_events(self, nc: NATS, consumers: list[ConsumerSpec]) -> None:
        """With NATS connected: the stream, the outbox relay and the consumers."""
        assert self.infra is not None
        s, db = self.settings, self.infra.db
        js = nc.jetstream()
        self.infra.nc, self.infra.js = nc, js
        if not await ensure_stream(js, s.stream_replicas):
            log.warning("stream_replicas_below_setting", stream="CIVIC", wanted=s.stream_replicas)
        self.relay = OutboxRelay(db.url, self.spec.schema, js, s.fault, self.metrics)
        self.consumers = [EventConsumer(js, db, self.spec.tables, c, self.metrics) for c in consumers]
        for consumer in self.consumers:
            await consumer.provision()
        self._spawn(self.relay.run(self._stop))
        for consumer in self.consumers:
            self._spawn(consumer.run(self._stop))

    async def _start_events_later(self, consumers: list[ConsumerSpec]) -> None:
        """Started without NATS: once it answers, start the relay and the consumers (cancelled by
        ``stop`` while waiting)."""
        while True:
            nc = await connect_nats(self.settings.nats_url, self.spec.name, wait_s=None)
            log.info("nats_connected_late")
            try:
                await self._start_events(nc, consumers)
                return
            except Exception as exc:  # noqa: BLE001 - e.g. NATS went away again mid-way: start over
                log.warning("nats_start_failed", error=error_text(exc))
                assert self.infra is not None
                self.infra.nc = self.infra.js = None
                await _close_quietly(nc)
                await asyncio.sleep(NATS_RETRY_S)

    async def _dependencies_ok(self) -> tuple[bool, bool]:
        """(the database answers, NATS is connected)."""
        assert self.infra is not None
        nc = self.infra.nc
        return await self.infra.db.ping(), nc is not None and nc.is_connected

    async def _set_health(self, database_ok: bool, nats_ok: bool) -> None:
        """Readiness ("" and each service's name) follows the database; ``NATS_HEALTH`` follows NATS.
        Draining turns both NOT_SERVING."""
        serving, not_serving = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING
        ready = database_ok and not self._draining
        for name in ["", *self._services]:
            await self._health.set(name, serving if ready else not_serving)
        await self._health.set(NATS_HEALTH, serving if nats_ok and not self._draining else not_serving)
        self.metrics.nats_connected.set(1 if nats_ok else 0)

    async def _watch_health(self) -> None:
        while not self._stop.is_set():
            await self._set_health(*await self._dependencies_ok())
            try:
                await asyncio.wait_for(self._stop.wait(), HEALTH_INTERVAL_S)
            except asyncio.TimeoutError:
                pass

    async def stop(self, drain_s: float | None = None) -> None:
        """Drain: answer NOT_SERVING, wait for traffic to move, finish in-flight calls, then close."""
        self._draining = True
        await self._set_health(False, False)
        await asyncio.sleep(self.settings.drain_seconds if drain_s is None else drain_s)
        if self._server is not None:
            await self._server.stop(grace=10)
        self._stop.set()
        if self._events_later is not None:  # still waiting for NATS, or the relay and consumers it started
            self._events_later.cancel()
            await asyncio.gather(self._events_later, return_exceptions=True)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.metrics_server is not None:  # after the last call and event were counted
            await asyncio.to_thread(self.metrics_server.stop)
            self.metrics_server = None
        if self.infra is not None:
            try:
                if self.infra.nc is not None:
                    await _close_quietly(self.infra.nc)
            finally:
                await self.infra.db.dispose()
        log.info("service_stopped")

    async def serve_forever(self) -> None:
        """Run until SIGTERM or SIGINT, then shut down gracefully."""
        await self.start()
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        await stopping.wait()
        log.info("service_stopping")
        await self.stop()
