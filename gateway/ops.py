"""Operations endpoints: /healthz (the process), /readyz (backends, database, NATS: for monitoring),
/readyz/self (the gateway's own database: the pods' readiness), /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

from gateway.bodies import json_response
from servicekit.metrics import LATENCY_BUCKETS

CHECK_TIMEOUT_S = 2.0
BACKEND_PREFIX = "backend:"  # readiness checks named so are the backends
# The checks the pods' readiness probe (/readyz/self) runs. Not the backends (see own_endpoint), and
# not NATS: only the province's change feed reads it, and it answers 503 FEED_UNAVAILABLE by itself
# while NATS is away; sign-in, the UI and the API go on.
PROBE_CHECKS = ("database",)
OPS_PATHS = ("/healthz", "/readyz", "/readyz/self", "/metrics")
# What the ingress exposes (path, Kubernetes pathType): the JSON API, the web UI, verification pages
# and the API's documentation. Not OPS_PATHS: health, readiness (which checks every backend on each
# hit) and metrics are for the cluster's probes and Prometheus, not the internet.
PUBLIC_PATHS = (("/", "Exact"), ("/v1", "Prefix"), ("/ui", "Prefix"), ("/verify", "Prefix"),
                ("/static", "Prefix"), ("/openapi.json", "Exact"), ("/docs", "Exact"))


def is_public(path: str) -> bool:
    """Whether the ingress routes ``path`` (as Kubernetes matches a Prefix: whole path segments)."""
    return any(path == public or (kind == "Prefix" and path.startswith(public.rstrip("/") + "/"))
               for public, kind in PUBLIC_PATHS)


class Metrics:
    """The gateway's metrics, in a registry of its own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "civic_gateway_requests",
            "HTTP requests by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "civic_gateway_request_duration_seconds",
            "HTTP request duration",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.backend_errors = Counter(
            "civic_gateway_backend_errors",
            "Failed backend calls by service and gRPC code",
            ["service", "code"],
            registry=self.registry,
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


Check = Callable[[], Awaitable[bool]]


class Readiness:
    """Ready when every check answers true within the timeout (run side by side)."""

    def __init__(self, checks: dict[str, Check]) -> None:
        self._checks = checks

    async def _run(self, check: Check) -> bool:
        try:
            return await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False

    async def report(self) -> dict[str, bool]:
        results = await asyncio.gather(*(self._run(check) for check in self._checks.values()))
        return dict(zip(self._checks, results, strict=True))

    async def endpoint(self, request: Request) -> Response:
        return await self._answer(await self.report())

    async def own_endpoint(self, request: Request) -> Response:
        """``PROBE_CHECKS`` only. For the gateway pods' readiness probe: a service that is down
        answers 503 on its own routes, while sign-in, the UI and every other service's routes go
        on; were the pods unready whenever one backend was, the ingress would have no gateway to
        send anything to (and a backend restarting would take the whole API with it)."""
        own = {name: check for name, check in self._checks.items() if name in PROBE_CHECKS}
        results = await asyncio.gather(*(self._run(check) for check in own.values()))
        return await self._answer(dict(zip(own, results, strict=True)))

    @staticmethod
    async def _answer(checks: dict[str, bool]) -> Response:
        ready = all(checks.values())
        return json_response(
            {"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503
        )


async def healthz(request: Request) -> Response:
    return json_response({"status": "ok"})
