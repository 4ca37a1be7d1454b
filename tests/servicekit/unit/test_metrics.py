"""Service metrics (servicekit.metrics): what each update counts, the /metrics endpoint, and labels
that stay bounded whatever the traffic (no request id, no person, no event id)."""
from __future__ import annotations

import asyncio
import socket
import urllib.error
import urllib.request

import grpc
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests.servicekit.unit.kit_rpc_fakes import Context, Details, run_chain
from servicekit.errors import DomainError, ErrorKind
from servicekit.interceptors import ErrorInterceptor, LoggingInterceptor, RequestContextInterceptor
from servicekit.metrics import LATENCY_BUCKETS, MetricsServer, ServiceMetrics

METHOD = "/civic.marriage.v1.RegistrationService/Register"
ALLOWED_LABELS = {"service", "method", "code", "consumer", "outcome", "le"}


def value(metrics: ServiceMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


async def call(metrics: ServiceMetrics, handler, request_id: str = "r-1", method: str = METHOD) -> None:  # noqa: ANN001
    chain = [RequestContextInterceptor(), LoggingInterceptor(metrics), ErrorInterceptor("marriage")]
    details = Details(method, (("x-request-id", request_id),))
    try:
        await run_chain(chain, details, Context(), handler)
    except grpc.aio.AbortError:
        pass


async def test_calls_are_counted_by_method_and_code_and_timed() -> None:
    metrics = ServiceMetrics("marriage")

    async def ok() -> str:
        return "done"

    async def missing() -> None:
        raise DomainError("NOT_FOUND", "没有", ErrorKind.NOT_FOUND)

    async def broken() -> None:
        raise RuntimeError("boom")

    for handler in (ok, ok, missing, broken):
        await call(metrics, handler)
    labels = {"service": "marriage", "method": METHOD}
    assert value(metrics, "civic_rpc_requests_total", **labels, code="OK") == 2
    assert value(metrics, "civic_rpc_requests_total", **labels, code="NOT_FOUND") == 1
    assert value(metrics, "civic_rpc_requests_total", **labels, code="INTERNAL") == 1
    assert value(metrics, "civic_rpc_duration_seconds_count", **labels) == 4
    assert value(metrics, "civic_rpc_duration_seconds_bucket", **labels, le="30.0") == 4


async def test_a_cancelled_call_counts_as_cancelled() -> None:
    metrics = ServiceMetrics("marriage")

    async def cancelled() -> None:
        raise asyncio.CancelledError()

    with pytest.raises(asyncio.CancelledError):
        await call(metrics, cancelled)
    assert value(metrics, "civic_rpc_requests_total", service="marriage", method=METHOD, code="CANCELLED") == 1


async def test_labels_stay_bounded_whatever_the_requests() -> None:
    """A thousand calls with distinct request ids make one series per (method, code), and no label
    holds the request id."""
    metrics = ServiceMetrics("marriage")

    async def ok() -> None:
        return None

    for i in range(1000):
        await call(metrics, ok, request_id=f"req-{i:04d}-110101199003078515")
    consumer = metrics.consumer("marriage--on-divisions")
    consumer.ok.inc()
    metrics.set_backlog(3, 12.5, {"marriage--on-divisions": 1})
    series = [(s.name, s.labels) for family in metrics.registry.collect() for s in family.samples]
    for name, labels in series:
        assert set(labels) <= ALLOWED_LABELS, (name, labels)
        assert not any("req-" in v or "1101011990" in v for v in labels.values()), (name, labels)
    requests = [labels for name, labels in series if name == "civic_rpc_requests_total"]
    assert requests == [{"service": "marriage", "method": METHOD, "code": "OK"}]
    assert len([1 for name, _ in series if name == "civic_rpc_duration_seconds_bucket"]) == len(LATENCY_BUCKETS) + 1


def test_consumer_outcomes_and_backlog_gauges() -> None:
    metrics = ServiceMetrics("placenames")
    c = metrics.consumer("placenames--x")
    c.ok.inc(3)
    c.retried.inc()
    c.dead_lettered.inc()
    for outcome, n in (("ok", 3), ("retried", 1), ("dead_lettered", 1)):
        assert value(metrics, "civic_events_handled_total", service="placenames", consumer="placenames--x",
                     outcome=outcome) == n
    assert value(metrics, "civic_dead_letters_pending", service="placenames", consumer="placenames--x") == 0
    metrics.set_backlog(7, 61.5, {"placenames--x": 2})
    assert value(metrics, "civic_outbox_pending", service="placenames") == 7
    assert value(metrics, "civic_outbox_oldest_pending_seconds", service="placenames") == 61.5
    assert value(metrics, "civic_dead_letters_pending", service="placenames", consumer="placenames--x") == 2
    metrics.set_backlog(0, 0.0, {}, ["placenames--x"])  # replayed: back to 0, the series stays
    assert value(metrics, "civic_outbox_pending", service="placenames") == 0
    assert value(metrics, "civic_dead_letters_pending", service="placenames", consumer="placenames--x") == 0


def test_each_service_has_its_own_registry() -> None:
    a, b = ServiceMetrics("marriage"), ServiceMetrics("marriage")  # no "Duplicated timeseries"
    a.outbox_published.inc()
    assert value(a, "civic_outbox_published_total", service="marriage") == 1
    assert value(b, "civic_outbox_published_total", service="marriage") == 0
    assert REGISTRY.get_sample_value("civic_outbox_published_total", {"service": "marriage"}) is None


def test_the_endpoint_serves_metrics_on_its_path_and_stops() -> None:
    metrics = ServiceMetrics("marriage")
    metrics.rpc(METHOD, "UNAVAILABLE", 0.01)
    server = MetricsServer(metrics.registry, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.port}"
    try:
        with urllib.request.urlopen(f"{url}/metrics", timeout=5) as resp:
            assert resp.headers["Content-Type"].startswith("text/plain")
            text = resp.read().decode()
        families = {f.name: f for f in text_string_to_metric_families(text)}
        [sample] = [s for s in families["civic_rpc_requests"].samples if s.name == "civic_rpc_requests_total"]
        assert sample.labels == {"service": "marriage", "method": METHOD, "code": "UNAVAILABLE"}
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{url}/other", timeout=5)
        assert err.value.code == 404
    finally:
        server.stop()
    with pytest.raises(ConnectionRefusedError):  # nothing listens any more
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
    with socket.socket() as s:  # and the port can be taken again (as servers do, SO_REUSEADDR)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", server.port))


class _Conn:
    """The relay's database connection: a batch of unpublished rows, the marks it writes."""

    def __init__(self, n: int) -> None:
        self.rows = [{"id": f"id-{i}", "subject": "civic.x.y", "payload": b"", "headers": "{}"} for i in range(n)]
        self.marked: list = []

    async def fetch(self, sql: str, *args) -> list:  # noqa: ANN002
        return self.rows

    async def execute(self, sql: str, ids: list) -> None:
        self.marked += ids


class _JetStream:
    def __init__(self, fail: set[int] | None = None, hang: bool = False) -> None:
        self.fail, self.hang, self.sent = fail or set(), hang, 0

    async def publish_async(self, subject, payload, stream, headers):  # noqa: ANN001
        future = asyncio.get_running_loop().create_future()
        if not self.hang:
            if self.sent in self.fail:
                future.set_exception(RuntimeError("nack"))
            else:
                future.set_result(None)
        self.sent += 1
        return future


async def test_the_relay_counts_published_and_failed_events(monkeypatch) -> None:
    from servicekit import relay as relay_module
    from servicekit.relay import OutboxRelay

    metrics = ServiceMetrics("marriage")
    published = OutboxRelay("postgresql://unused/x", "marriage", _JetStream(), metrics=metrics)
    assert await published._relay_batch(_Conn(3)) == 3
    assert value(metrics, "civic_outbox_published_total", service="marriage") == 3
    assert value(metrics, "civic_outbox_publish_failures_total", service="marriage") == 0

    partly = OutboxRelay("postgresql://unused/x", "marriage", _JetStream(fail={1}), metrics=metrics)
    with pytest.raises(RuntimeError):
        await partly._relay_batch(_Conn(3))
    assert value(metrics, "civic_outbox_published_total", service="marriage") == 5
    assert value(metrics, "civic_outbox_publish_failures_total", service="marriage") == 1

    monkeypatch.setattr(relay_module, "PUBACK_TIMEOUT_S", 0.05)
    away = OutboxRelay("postgresql://unused/x", "marriage", _JetStream(hang=True), metrics=metrics)
    with pytest.raises(asyncio.TimeoutError):  # no PubAck at all: NATS away
        await away._relay_batch(_Conn(4))
    assert value(metrics, "civic_outbox_published_total", service="marriage") == 5
    assert value(metrics, "civic_outbox_publish_failures_total", service="marriage") == 5
