"""Gateway test harness: the gateway app (real PostgreSQL and NATS from the run's `infra`) in front
of an in-test DivisionService that verifies the caller token exactly as a real service does."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import grpc_tools
import httpx
import pytest
import pytest_asyncio
from argon2 import PasswordHasher
from civic.placenames.v1 import divisions_pb2 as pb
from civic.placenames.v1 import divisions_pb2_grpc as pb_grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_tools import protoc
from servicekit import context
from servicekit.caller_token import CallerVerifier
from servicekit.clock import FakeClock
from servicekit.errors import exhausted, invalid, not_found, precondition
from servicekit.interceptors import CallerAuthInterceptor, ErrorInterceptor, RequestContextInterceptor
from servicekit.protogen import PROTO_DIR, googleapis_include
from servicekit.testing.plugin import migrate, unique

from gateway.accounts.passwords import Passwords
from gateway.accounts.qualification import REGISTRAR
from gateway.accounts.store import Actor, NewClient, NewUser
from gateway.accounts.tables import MIGRATIONS, SCHEMA
from gateway.app import create_app
from gateway.descriptors import ServiceInfo
from gateway.settings import GatewaySettings

PASSWORD = "correct horse battery"
RECENT = object()  # add_user's default assessment date: a current one for registrars
TOKEN_KEY = "k" * 48
# argon2id at its cheapest: the suite signs in hundreds of times (production keeps the default cost).
CHEAP_HASHES = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass
class Seen:
    """One call the fake service received."""

    method: str
    request: Any
    metadata: dict[str, str]
    caller: context.Caller


class FakeDivisions(pb_grpc.DivisionServiceServicer):
    """Answers like placenames would, and records what it was sent."""

    def __init__(self) -> None:
        self.calls: list[Seen] = []
        self.delay_s = 0.0
        self._created: dict[str, pb.Division] = {}

    def _record(self, method: str, request: Any, ctx: grpc.aio.ServicerContext) -> None:
        metadata = {k: v for k, v in ctx.invocation_metadata() if isinstance(v, str)}
        self.calls.append(Seen(method, request, metadata, context.current().caller))

    def last(self, method: str) -> Seen:
        return [c for c in self.calls if c.method == method][-1]

    async def GetDivision(self, request, ctx):
        self._record("GetDivision", request, ctx)
        await asyncio.sleep(self.delay_s)
        code = request.name.removeprefix("divisions/")
        if code == "000000":
            raise not_found("DIVISION_NOT_FOUND", f"区划 {code} 不存在", code=code)
        return pb.Division(
            name=request.name,
            code=code,
            display_name="赤壁市",
            level=pb.DIVISION_LEVEL_COUNTY,
            parent_code="421200",
            state=pb.DIVISION_STATE_ACTIVE,
            update_time=timestamp_pb2.Timestamp(seconds=1_700_000_000),
        )

    async def ListDivisions(self, request, ctx):
        self._record("ListDivisions", request, ctx)
        children = [
            pb.Division(
                name=f"divisions/{request.parent_code}{n:03d}",
                code=f"{request.parent_code}{n:03d}",
                display_name=name,
                level=pb.DIVISION_LEVEL_TOWNSHIP,
            )
            for n, name in ((1, "蒲圻街道"), (2, "陆水湖街道"))
        ]
        # The next page's token: the one sent, reversed — the gateway must carry both unchanged.
        return pb.ListDivisionsResponse(divisions=children, total_size=len(children),
                                        next_page_token=request.page_token[::-1])

    async def CreateDivision(self, request, ctx):
        self._record("CreateDivision", request, ctx)
        if not request.display_name:
            raise invalid("DISPLAY_NAME_REQUIRED", "区划名称不能为空", "display_name")
        if request.code == "421281997":  # a limit the service keeps (as a day's bookings)
            raise exhausted("CODES_EXHAUSTED", "该上级区划下的代码已用尽", parent="421281")
        if request.request_id in self._created:  # a retry: the first answer, nothing done twice
            return self._created[request.request_id]
        division = pb.Division(
            name=f"divisions/{request.code}",
            code=request.code,
            display_name=request.display_name,
            parent_code=request.parent_code,
            source=f"created #{len(self._created) + 1}",
        )
        if request.request_id:
            self._created[request.request_id] = division
        return division

    async def RenameDivision(self, request, ctx):
        self._record("RenameDivision", request, ctx)
        if request.name == "divisions/429999":
            raise precondition("DIVISION_RETIRED", "该区划已撤销，不能更名")
        return pb.Division(
            name=request.name,
            code=request.name.removeprefix("divisions/"),
            display_name=request.new_display_name,
            effective_date=request.effective_date,
        )


@dataclass
class Backend:
    address: str
    service: FakeDivisions
    server: grpc.aio.Server
    health: health.aio.HealthServicer

    async def stop(self) -> None:
        await self.server.stop(grace=None)


async def start_backend(public_key: str) -> Backend:
    service = FakeDivisions()
    server = grpc.aio.server(
        interceptors=[
            RequestContextInterceptor(),
            ErrorInterceptor("placenames"),
            CallerAuthInterceptor(CallerVerifier(public_key)),
        ]
    )
    pb_grpc.add_DivisionServiceServicer_to_server(service, server)
    checker = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(checker, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    await checker.set("", health_pb2.HealthCheckResponse.SERVING)
    return Backend(f"127.0.0.1:{port}", service, server, checker)


@pytest_asyncio.fixture(scope="session")
async def gateway_schema(infra) -> str:
    await migrate(MIGRATIONS, infra.database_url, SCHEMA)
    return infra.database_url


@pytest.fixture
def make_settings(infra, gateway_schema) -> Callable[..., GatewaySettings]:
    def make(**overrides: Any) -> GatewaySettings:
        values: dict[str, Any] = {
            "DATABASE_URL": infra.database_url,
            "NATS_URL": infra.nats_url,
            "environment": "test",
            "caller_private_key": infra.secrets.caller_private_key,
            "token_key": TOKEN_KEY,
            "revocation_refresh_s": 0.2,
        }
        return GatewaySettings(**{**values, **overrides})

    return make


@pytest_asyncio.fixture
async def backend(infra) -> AsyncIterator[Backend]:
    running = await start_backend(infra.secrets.caller_public_key)
    yield running
    await running.stop()


@dataclass
class Harness:
    app: Any
    client: httpx.AsyncClient
    clock: FakeClock
    backend: Backend | None
    logins: dict[str, str] = field(default_factory=dict)

    @property
    def gateway(self):
        return self.app.state.gateway

    async def add_user(
        self, *roles: str, jurisdiction: str = "421281", password: str = PASSWORD, assessed_on: Any = RECENT
    ) -> str:
        """A new account; a registrar's training assessment passed 100 days ago unless `assessed_on`
        says otherwise (a date, or None for not recorded)."""
        username = unique("u")
        if assessed_on is RECENT:
            assessed_on = self.clock.today() - dt.timedelta(days=100) if REGISTRAR in roles else None
        await self.gateway.store.create_user(
            NewUser(username, password, roles, jurisdiction, assessed_on=assessed_on), Actor("test")
        )
        return username

    async def token(self, username: str, password: str = PASSWORD) -> str:
        reply = await self.client.post(
            "/v1/auth/token", data={"grant_type": "password", "username": username, "password": password}
        )
        assert reply.status_code == 200, reply.text
        return reply.json()["access_token"]

    async def headers(self, *roles: str, jurisdiction: str = "421281") -> dict[str, str]:
        """Authorization for a new staff account with these roles."""
        username = await self.add_user(*roles, jurisdiction=jurisdiction)
        return {"Authorization": f"Bearer {await self.token(username)}"}

    async def client_headers(self, *scopes: str) -> dict[str, str]:
        client_id = unique("c")
        _, secret = await self.gateway.store.create_client(NewClient(client_id, scopes), Actor("test"))
        reply = await self.client.post(
            "/v1/auth/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        )
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['access_token']}"}


@pytest_asyncio.fixture
async def start_gateway(make_settings) -> AsyncIterator[Callable[..., Any]]:
    """Factory: `await start_gateway(backend=…, **settings)` → Harness (lifespan run, ASGI client)."""
    stack: list[Any] = []

    async def start(backend: Backend | None = None, services: Any = None, **overrides: Any) -> Harness:
        if backend is not None:
            overrides.setdefault("backends", {"placenames": backend.address})
        clock = FakeClock(dt.datetime.now(dt.UTC))
        # The web UI is built for the real services; a test API of its own goes without it.
        app = create_app(
            make_settings(**overrides),
            services=services,
            clock=clock,
            with_ui=services is None,
            passwords=CHEAP_HASHES,
        )
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test")
        stack.append((lifespan, client))
        return Harness(app, client, clock, backend)

    yield start
    for lifespan, client in reversed(stack):
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


@pytest_asyncio.fixture
async def gw(start_gateway, backend) -> Harness:
    return await start_gateway(backend=backend)


# ---- a test-only API (tests/gateway/protos) for what DivisionService does not exercise ------------

THINGS_PROTO = "civic/gwtest/v1/things.proto"
THINGS_SERVICE = "civic.gwtest.v1.ThingService"


def _register_things() -> None:
    """Compile the test proto and add it to the default descriptor pool (once per process)."""
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(THINGS_PROTO)
        return
    except KeyError:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "things.binpb"
        well_known = Path(grpc_tools.__file__).parent / "_proto"
        status = protoc.main(
            [
                "protoc",
                f"-I{Path(__file__).parent / 'protos'}",
                f"-I{PROTO_DIR}",
                f"-I{googleapis_include()}",
                f"-I{well_known}",
                f"--descriptor_set_out={out}",
                "--include_imports",
                THINGS_PROTO,
            ]
        )
        assert status == 0, "protoc failed on the test proto"
        files = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file
    for file in files:
        try:
            pool.FindFileByName(file.name)
        except KeyError:
            pool.AddSerializedFile(file.SerializeToString())


@pytest.fixture(scope="session")
def things() -> ServiceInfo:
    _register_things()
    return ServiceInfo("gwtest", descriptor_pool.Default().FindServiceByName(THINGS_SERVICE), {})


def message_class(full_name: str) -> type:
    return message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(full_name))


@pytest.fixture(name="message_class")
def message_class_fixture(things) -> Callable[[str], type]:
    """Message classes of the test proto, by full name."""
    return message_class


@dataclass
class ThingBackend:
    address: str
    server: grpc.aio.Server
    received: dict[str, list[Any]] = field(default_factory=dict)


@pytest_asyncio.fixture
async def things_backend(infra, things) -> AsyncIterator[ThingBackend]:
    """A ThingService that echoes requests back (ImportThings: counts what the stream carried)."""
    service = things.descriptor
    backend = ThingBackend(
        "",
        grpc.aio.server(
            interceptors=[
                RequestContextInterceptor(),
                ErrorInterceptor("gwtest"),
                CallerAuthInterceptor(CallerVerifier(infra.secrets.caller_public_key)),
            ]
        ),
    )

    def unary(method: Any) -> grpc.RpcMethodHandler:
        request_cls, response_cls = (
            message_class(method.input_type.full_name),
            message_class(method.output_type.full_name),
        )

        async def handle(request: Any, ctx: Any) -> Any:
            backend.received.setdefault(method.name, []).append(request)
            if method.name == "CountThings":
                return response_cls(count=42)
            if method.name == "ListThings":
                return response_cls(
                    things=[message_class("civic.gwtest.v1.Thing")(title=request.parent, weight=2**40)]
                )
            reply = message_class("civic.gwtest.v1.Thing")()
            reply.CopyFrom(request.thing) if hasattr(request, "thing") else None
            return reply

        return grpc.unary_unary_rpc_method_handler(
            handle, request_cls.FromString, response_cls.SerializeToString
        )

    async def import_things(requests: Any, ctx: Any) -> Any:
        report = message_class("civic.gwtest.v1.ImportReport")()
        chunks = []
        async for chunk in requests:
            chunks.append(chunk)
            report.chunks += 1
            report.bytes += len(chunk.data)
            report.request_ids.append(chunk.request_id)
            report.source_names.append(chunk.source_name)
            report.parents.append(chunk.parent)
        backend.received.setdefault("ImportThings", []).append(chunks)
        return report

    handlers = {m.name: unary(m) for m in service.methods if not m.client_streaming}
    chunk_cls = message_class("civic.gwtest.v1.ImportChunk")
    handlers["ImportThings"] = grpc.stream_unary_rpc_method_handler(
        import_things, chunk_cls.FromString, message_class("civic.gwtest.v1.ImportReport").SerializeToString
    )
    backend.server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler(service.full_name, handlers)]
    )
    port = backend.server.add_insecure_port("127.0.0.1:0")
    await backend.server.start()
    backend.address = f"127.0.0.1:{port}"
    yield backend
    await backend.server.stop(grace=None)
