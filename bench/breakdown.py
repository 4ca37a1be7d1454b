"""Where a registration's CPU goes, piece by piece, measured in-process with the service's own code
against the suite's database: main-thread CPU per call (time.thread_time), one call at a time, so
the figures do not depend on the machine's load the way latencies do (waiting for PostgreSQL is
not counted; the database's own CPU is measured from its processes).

Pieces:
- the PostgreSQL floor: the same transaction by hand on asyncpg (bench.workload.SqlTransport);
- the use case as the service runs it: `UnitOfWorkFactory.idempotent` + `marriage.app.marriages.register`
  on servicekit's `Database` (SQLAlchemy 2 async, asyncpg, pool_pre_ping=True);
- the same with pool_pre_ping=False (what the pre-ping costs);
- the same at 32 concurrent calls on the service's pool (10 + 10 overflow): connection churn;
- per-call pieces of the gRPC layer: caller-token verification (Ed25519 JWT), one structlog line
  (the "rpc" summary, JSON, with ID masking), the response's protobuf (marriage_pb + serialize);
- a whole RegisterMarriage over gRPC, client and server CPU (from /proc) per call, one at a time.

    .venv/bin/python -m bench.breakdown [--calls 400] [--attach DATA]
"""
from __future__ import annotations

import asyncio
import io
import logging
import time
import uuid

import psutil
from servicekit import context
from servicekit.caller_token import CallerVerifier
from servicekit.clock import SystemClock
from servicekit.context import Caller, RequestContext
from servicekit.db import Database
from servicekit.logging import configure_logging, get_logger
from servicekit.pii import PiiCipher
from servicekit.uow import UnitOfWorkFactory
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bench.runner import parser, suite_for
from bench.suite import OFFICE_CODES, CpuMeter, People, ensure_offices, run_async
from bench.workload import GrpcTransport, SqlTransport


def cpu_ms(start: float, calls: int) -> float:
    return round((time.thread_time() - start) * 1000 / calls, 3)


class Rows:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str]] = []

    def add(self, name: str, ms: float, note: str = "") -> None:
        self.rows.append((name, ms, note))
        print(f"| {name} | {ms:.3f} | {note} |", flush=True)


def _command(people: People, office: str):
    from marriage.app.marriages import PartyInput, RegisterMarriage
    from marriage.domain.eligibility import Declarations
    from marriage.domain.parties import IdType

    man, woman = people.couple()
    return RegisterMarriage(office, (PartyInput(IdType.RESIDENT_ID, man, "张伟", "CHN"),
                                     PartyInput(IdType.RESIDENT_ID, woman, "李娜", "CHN")), Declarations(True, True))


def _no_ping_database(url: str) -> Database:
    """servicekit's Database with the same engine settings except pool_pre_ping."""
    from servicekit.db import sqlalchemy_url

    db = Database(url, "marriage")
    db.engine = create_async_engine(sqlalchemy_url(url), pool_size=10, max_overflow=10, pool_pre_ping=False,
                                    connect_args={"server_settings": {"search_path": "marriage,public",
                                                                      "application_name": "marriage"}})
    db.sessions = async_sessionmaker(db.engine, expire_on_commit=False)
    return db


async def use_case(db: Database, cipher: PiiCipher, people: People, calls: int, concurrency: int = 1) -> float:
    """CPU ms per registration through the unit of work and the use case (no gRPC)."""
    from civic.marriage.v1 import resources_pb2 as pb
    from marriage.adapters.tables import kit
    from marriage.app import marriages as uc
    from marriage.app.messages import marriage_pb

    uow = UnitOfWorkFactory(db, kit, "marriage", SystemClock())
    caller = Caller("bench", frozenset({"marriage_registrar"}), jurisdiction="42")

    async def one(i: int) -> None:
        token = context.bind(RequestContext(f"rq-{uuid.uuid4().hex}", "/civic.marriage.v1.MarriageService/RegisterMarriage",
                                            caller))
        try:
            cmd = _command(people, OFFICE_CODES[i % len(OFFICE_CODES)])

            async def work(unit):
                return marriage_pb(await uc.register(unit, cipher, cmd))

            await uow.idempotent("RegisterMarriage", f"b-{uuid.uuid4().hex}", pb.Marriage, work)
        finally:
            context.reset(token)

    for i in range(20):  # warm: pool connections, statement caches
        await one(i)
    counter = iter(range(calls))

    async def worker() -> None:
        for i in counter:
            await one(i)

    start = time.thread_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return cpu_ms(start, calls)


async def register_couples(transport, people: People, count: int) -> None:
    """``count`` new couples registered one at a time, spread over the 32 offices."""
    for i in range(count):
        m, w = people.couple()
        await transport.register(OFFICE_CODES[i % 32], m, w, "张伟", "李娜")


async def floor(suite, people: People, calls: int) -> float:
    sql = await SqlTransport(suite, pool_size=1).open()
    try:
        await register_couples(sql, people, 20)  # warm
        start = time.thread_time()
        await register_couples(sql, people, calls)
        return cpu_ms(start, calls)
    finally:
        await sql.close()


def caller_token_verify(suite, calls: int) -> float:
    token = dict(suite.caller_metadata("42"))["x-civic-caller"]
    verifier = CallerVerifier(suite.secrets.caller_public_key)
    start = time.thread_time()
    for _ in range(calls):
        verifier._check(token)  # noqa: SLF001 - the full check; verify() remembers a checked token
    return cpu_ms(start, calls)


def gateway_pieces(suite, calls: int) -> dict[str, float]:
    """CPU ms per call of the gateway's own pieces, in this process with the gateway's code."""
    import json

    from gateway.accounts.tokens import TokenIssuer
    from gateway.descriptors import load_services
    from gateway.routes import RouteTable
    from gateway.transcoding import build_request, parse_json, response_json

    raw = json.loads((suite.data / "secrets.json").read_text())
    issuer = TokenIssuer(raw["token_key"], 3600)
    bearer = suite.token("marriage_registrar", "civic-demo")
    out = {}
    start = time.thread_time()
    for _ in range(calls):
        issuer.verify(bearer)
    out["bearer-token verification (PyJWT HS256 decode)"] = cpu_ms(start, calls)

    routes = RouteTable.from_services(load_services())
    start = time.thread_time()
    for _ in range(calls):
        route, values = routes.match("POST", "/v1/marriages:register")
    out["route match (the gateway's table)"] = cpu_ms(start, calls)
    people = People()
    man, woman = people.couple()
    body = json.dumps({"officeCode": "420102", "parties": [
        {"idType": "ID_TYPE_RESIDENT_ID", "idNumber": man, "name": "张伟", "nationality": "CHN"},
        {"idType": "ID_TYPE_RESIDENT_ID", "idNumber": woman, "name": "李娜", "nationality": "CHN"}],
        "declarations": {"noSpouse": True, "noProhibitedKinship": True}}, ensure_ascii=False).encode()
    start = time.thread_time()
    for _ in range(calls):
        message = build_request(route, values, [], parse_json(body), "b-key")
    out["request JSON → protobuf (parse, check, build)"] = cpu_ms(start, calls)
    from civic.marriage.v1 import resources_pb2 as pb

    reply = pb.Marriage(name="marriages/01a22b40-06a3-7000-b06c-198d90901323", certificate_number="J420102-2026-000001",
                        state=pb.MARRIAGE_STATE_REGISTERED, register_date="2026-11-30", office_code="420102",
                        parties=[pb.Party(id_type=pb.ID_TYPE_RESIDENT_ID, id_number="4212**********0012", name="张伟",
                                          nationality="CHN", sex=pb.SEX_MALE, birth_date="1960-01-01")] * 2)
    start = time.thread_time()
    for _ in range(calls):
        response_json(route, reply)
    out["response protobuf → JSON (MessageToDict + dumps)"] = cpu_ms(start, calls)
    return out


def log_line(calls: int) -> float:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("marriage", "INFO", stream=io.StringIO())
    import structlog

    log = get_logger("civic.rpc")
    structlog.contextvars.bind_contextvars(request_id=str(uuid.uuid4()), method="/civic.marriage.v1.MarriageService/"
                                           "RegisterMarriage", caller="registrar-420102")
    start = time.thread_time()
    for _ in range(calls):
        log.info("rpc", status="OK", duration_ms=12.34)
    result = cpu_ms(start, calls)
    root.handlers[:], _ = saved[0], root.setLevel(saved[1])
    return result


async def grpc_one_at_a_time(suite, people: People, calls: int) -> dict[str, float]:
    meter = CpuMeter(suite)
    t = GrpcTransport(suite)
    try:
        await register_couples(t, people, 20)  # warm
        before = meter.snapshot()
        await register_couples(t, people, calls)
        return CpuMeter.per_op_ms(before, meter.snapshot(), calls)
    finally:
        await t.close()


async def gateway_http_floor(suite, calls: int) -> dict[str, float]:
    """Gateway process CPU per request for GET /healthz (uvicorn + h11 + Starlette + middleware,
    no backend) and per GET /v1/offices (the same plus authentication, transcoding and a cheap RPC)."""
    import httpx

    meter = CpuMeter(suite)
    token = suite.token("marriage_registrar", "civic-demo")
    out = {}
    async with httpx.AsyncClient(base_url=suite.url, timeout=30) as http:
        for label, path, headers in (("GET /healthz", "/healthz", {}),
                                     ("GET /v1/offices (proxied RPC)", "/v1/offices",
                                      {"Authorization": f"Bearer {token}"})):
            for _ in range(20):
                (await http.get(path, headers=headers)).raise_for_status()
            before = meter.snapshot()
            for _ in range(calls):
                (await http.get(path, headers=headers)).raise_for_status()
            per = CpuMeter.per_op_ms(before, meter.snapshot(), calls)
            out[label] = per
    return out


def pg_cpu(suite) -> float:
    return CpuMeter(suite).snapshot().get("postgres", 0.0)


async def bench(suite, calls: int) -> Rows:
    await ensure_offices(suite, OFFICE_CODES)
    people = People()
    cipher = PiiCipher.from_base64(suite.secrets.pii_key, suite.secrets.pii_hash_key)
    rows = Rows()
    print("\n| piece (per registration unless said) | CPU ms | note |\n|---|---:|---|")

    pg0 = pg_cpu(suite)
    rows.add("PostgreSQL floor: the transaction by hand on asyncpg (client CPU)", await floor(suite, people, calls),
             "14 statements + BEGIN/COMMIT, crypto and protobuf included")
    pg1 = pg_cpu(suite)
    rows.add("  … PostgreSQL server CPU for it", round((pg1 - pg0) * 1000 / (calls + 20), 3), "all backends")

    db = Database(suite.database_url, "marriage")
    try:
        rows.add("use case via servicekit (SQLAlchemy, pool_pre_ping=True), 1 at a time",
                 await use_case(db, cipher, people, calls), "what the service runs, minus gRPC")
        pg2 = pg_cpu(suite)
        rows.add("  … PostgreSQL server CPU for it", round((pg2 - pg1) * 1000 / (calls + 20), 3), "")
        rows.add("use case via servicekit, 32 concurrent (pool 10 + 10 overflow)",
                 await use_case(db, cipher, people, calls, concurrency=32), "overflow connections open and close")
        pg3 = pg_cpu(suite)
        rows.add("  … PostgreSQL server CPU for it", round((pg3 - pg2) * 1000 / (calls + 20), 3),
                 "new backends: fork, catalog caches, statement preparation")
    finally:
        await db.dispose()
    nping = _no_ping_database(suite.database_url)
    try:
        rows.add("use case, pool_pre_ping=False, 1 at a time", await use_case(nping, cipher, people, calls),
                 "saves BEGIN + ';' + ROLLBACK per transaction")
        pg4 = pg_cpu(suite)
        rows.add("  … PostgreSQL server CPU for it", round((pg4 - pg3) * 1000 / (calls + 20), 3), "")
    finally:
        await nping.dispose()
    big = Database(suite.database_url, "marriage", pool_size=32)
    try:
        rows.add("use case, 32 concurrent, pool_size=32 (no overflow churn)",
                 await use_case(big, cipher, people, calls, concurrency=32), "")
        pg5 = pg_cpu(suite)
        rows.add("  … PostgreSQL server CPU for it", round((pg5 - pg4) * 1000 / (calls + 20), 3), "")
    finally:
        await big.dispose()

    rows.add("caller-token verification (PyJWT EdDSA decode + Caller)", caller_token_verify(suite, calls * 5),
             "per RPC, in CallerAuthInterceptor")
    rows.add("one structlog 'rpc' line (JSON, ID masking)", log_line(calls * 5),
             "per RPC (LoggingInterceptor) and per request (gateway RequestMiddleware)")
    for name, ms in gateway_pieces(suite, calls * 5).items():
        rows.add(f"gateway: {name}", ms, "per request")
    for label, per in (await gateway_http_floor(suite, calls)).items():
        rows.add(f"gateway process: {label}", per["gateway"], f"client (httpx) {per['client']:.3f} ms, "
                 f"marriage {per.get('marriage', 0.0):.3f} ms")
    g = await grpc_one_at_a_time(suite, people, calls)
    rows.add("RegisterMarriage over gRPC, 1 at a time: marriage service process", g["marriage"],
             "all threads, from /proc")
    rows.add("  … client process (grpc.aio stub)", g["client"], "")
    rows.add("  … PostgreSQL", g["postgres"], "")
    return rows


def main(argv: list[str] | None = None) -> None:
    p = parser(__doc__.split("\n")[0])
    p.add_argument("--calls", type=int, default=400)
    args = p.parse_args(argv)
    suite = suite_for(args)
    try:
        print(f"load average at start: {psutil.getloadavg()[0]:.2f}")
        run_async(bench(suite, 60 if args.quick else args.calls))
        print(f"load average at end: {psutil.getloadavg()[0]:.2f}")
    finally:
        suite.stop()


if __name__ == "__main__":
    main()
