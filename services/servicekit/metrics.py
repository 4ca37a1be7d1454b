"""A service process's Prometheus metrics and the small HTTP endpoint that serves them on `/metrics`.

Every metric lives in the registry of one `ServiceMetrics` (never the process-wide default), so a test
can run several services side by side. Labels are bounded: the service, the gRPC method (only
registered methods reach the interceptors), the status code's name, the consumer's durable name and an
outcome — never an id, a request id or anything about a person.

The endpoint runs in a daemon thread (prometheus-client's threading WSGI server), not on the event
loop: a scrape is answered while the loop is busy (a bulk import), exposition does not take the
loop's time, and no HTTP code of our own is needed. `MetricsServer.stop` shuts it down.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Iterable
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from servicekit.db import Database, driver_connection
from servicekit.logging import error_text, get_logger

log = get_logger(__name__)

# Request latency buckets (seconds), shared by the gateway's HTTP and the services' gRPC histograms.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METRICS_PATH = "/metrics"
BACKLOG_INTERVAL_S = 5.0  # how often the outbox and dead-letter gauges are measured
OUTCOMES = ("ok", "retried", "dead_lettered")


class ServiceMetrics:
    """One service process's metrics, in a registry of its own."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        r = self.registry
        self.rpc_requests = Counter("civic_rpc_requests", "gRPC calls by method and status code",
                                    ["service", "method", "code"], registry=r)
        self.rpc_duration = Histogram("civic_rpc_duration_seconds", "gRPC call duration",
                                      ["service", "method"], buckets=LATENCY_BUCKETS, registry=r)
        self.outbox_published = Counter("civic_outbox_published", "Outbox events published to JetStream",
                                        ["service"], registry=r).labels(service)
        self.outbox_publish_failures = Counter(
            "civic_outbox_publish_failures", "Outbox events whose publish was not acknowledged (retried)",
            ["service"], registry=r).labels(service)
        self.outbox_pending = Gauge("civic_outbox_pending", "Outbox events not yet published",
                                    ["service"], registry=r).labels(service)
        self.outbox_oldest_pending = Gauge(
            "civic_outbox_oldest_pending_seconds", "Age of the oldest outbox event not yet published (0: none)",
            ["service"], registry=r).labels(service)
        self.events_handled = Counter("civic_events_handled", "Events delivered to a consumer, by outcome",
                                      ["service", "consumer", "outcome"], registry=r)
        self.nats_connected = Gauge("civic_nats_connected", "1 while this process is connected to NATS",
                                    ["service"], registry=r).labels(service)
        self.dead_letters = Gauge("civic_dead_letters_pending", "Dead letters not yet replayed, by consumer",
                                  ["service", "consumer"], registry=r)

    def rpc(self, method: str, code: str, seconds: float) -> None:
        self.rpc_requests.labels(self.service, method, code).inc()
        self.rpc_duration.labels(self.service, method).observe(seconds)

    def consumer(self, durable: str) -> ConsumerMetrics:
        return ConsumerMetrics(self, durable)

    def set_backlog(self, pending: int, oldest_s: float, dead_letters: dict[str, int],
                    consumers: Iterable[str] = ()) -> None:
        """The measured backlogs; consumers without unreplayed dead letters read 0."""
        self.outbox_pending.set(pending)
        self.outbox_oldest_pending.set(max(oldest_s, 0.0))
        for durable in {*consumers, *dead_letters}:
            self.dead_letters.labels(self.service, durable).set(dead_letters.get(durable, 0))


class ConsumerMetrics:
    """The outcome counters of one consumer (children resolved once, not per event)."""

    def __init__(self, metrics: ServiceMetrics, durable: str) -> None:
        self.ok, self.retried, self.dead_lettered = (
            metrics.events_handled.labels(metrics.service, durable, outcome) for outcome in OUTCOMES)
        metrics.dead_letters.labels(metrics.service, durable)  # the series exists (0) from the start


def backlog_sql(schema: str) -> tuple[str, str]:
    """(outbox backlog, unreplayed dead letters by consumer). The first is served by the partial
    index ix_outbox_unpublished (id WHERE published_at IS NULL): the count reads only unpublished
    entries, and the oldest is the first of them (ids are UUIDv7, in time order). Dead letters are
    few (each is an incident)."""
    outbox = (f'SELECT (SELECT count(*) FROM "{schema}".outbox WHERE published_at IS NULL) AS pending, '
              f'(SELECT extract(epoch FROM now() - created_at) FROM "{schema}".outbox '
              "WHERE published_at IS NULL ORDER BY id LIMIT 1) AS oldest_s")
    dead = f'SELECT consumer, count(*) AS n FROM "{schema}".dead_letters WHERE replayed_at IS NULL GROUP BY consumer'
    return outbox, dead


async def measure_backlog(db: Database, metrics: ServiceMetrics, consumers: Iterable[str] = ()) -> None:
    outbox_sql, dead_sql = backlog_sql(db.schema)
    async with db.transaction() as session:
        conn = await driver_connection(session)
        outbox = await conn.fetchrow(outbox_sql)
        dead = {row["consumer"]: int(row["n"]) for row in await conn.fetch(dead_sql)}
    metrics.set_backlog(int(outbox["pending"]), float(outbox["oldest_s"] or 0.0), dead, consumers)


async def watch_backlog(db: Database, metrics: ServiceMetrics, consumers: Iterable[str], stop: asyncio.Event,
                        interval_s: float | None = None) -> None:
    """Measure the backlogs every `interval_s` until `stop`: apart from the relay's own loop, which
    waits on PubAcks while NATS is away — exactly when the outbox grows. With the database away the
    gauges keep their last value (one warning; readiness and the relay say the rest)."""
    consumers = list(consumers)
    failing = False
    while not stop.is_set():
        try:
            await measure_backlog(db, metrics, consumers)
            failing = False
        except Exception as exc:  # noqa: BLE001 - measured again next time
            if not failing:
                log.warning("backlog_metrics_failed", error=error_text(exc))
            failing = True
        try:
            await asyncio.wait_for(stop.wait(), interval_s or BACKLOG_INTERVAL_S)
        except asyncio.TimeoutError:
            pass


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """No access log on stderr (a scrape every 15 s; stdout carries JSON lines only)."""


class MetricsServer:
    """`/metrics` of one registry over HTTP, from a daemon thread; other paths answer 404."""

    def __init__(self, registry: CollectorRegistry, host: str, port: int) -> None:
        exposition = make_wsgi_app(registry)

        def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
            if environ.get("PATH_INFO") != METRICS_PATH:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"not found: metrics are on /metrics\n"]
            return exposition(environ, start_response)

        self._httpd = make_server(host, port, app, ThreadingWSGIServer, handler_class=_Quiet)
        self.port: int = self._httpd.server_port
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="metrics-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port (blocks up to the server's 0.5 s poll)."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
