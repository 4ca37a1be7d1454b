"""rules.md §1.4 at the gateway: a registrar whose training assessment (培训考核合格日期) is more than
2 years old, or not recorded, is refused registering calls (403 REGISTRAR_NOT_QUALIFIED) and signed to
the services without the role; reads stay allowed; an admin records the date through the accounts API
(audited), which ends the account's earlier tokens as a role change does."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import grpc
import pytest_asyncio
from civic.marriage.v1 import marriage_service_pb2_grpc as pb_grpc
from civic.marriage.v1 import resources_pb2 as pb
from servicekit import context
from servicekit.caller_token import CallerVerifier
from servicekit.interceptors import CallerAuthInterceptor, ErrorInterceptor, RequestContextInterceptor
from servicekit.testing.plugin import unique
from sqlalchemy import text

from gateway.accounts.bootstrap import demo_assessed_on
from gateway.accounts.qualification import years_after

from .conftest import PASSWORD

COUPLE = {"requestId": "", "officeCode": "421281", "declarations": {"noSpouse": True, "noProhibitedKinship": True}}


class FakeMarriage(pb_grpc.MarriageServiceServicer):
    """Answers three calls, remembering the caller each was made as (the verified caller token)."""

    def __init__(self) -> None:
        self.callers: dict[str, context.Caller] = {}

    async def RegisterMarriage(self, request, ctx):
        self.callers["RegisterMarriage"] = context.current().caller
        return pb.Marriage(name="marriages/m1", office_code=request.office_code)

    async def GetMarriage(self, request, ctx):
        self.callers["GetMarriage"] = context.current().caller
        return pb.Marriage(name=request.name, office_code="421281")

    async def OpenCounselingCase(self, request, ctx):
        self.callers["OpenCounselingCase"] = context.current().caller
        return pb.CounselingCase(name="counselingCases/c1")


@pytest_asyncio.fixture
async def marriage(infra) -> AsyncIterator[tuple[FakeMarriage, str]]:
    service = FakeMarriage()
    server = grpc.aio.server(interceptors=[
        RequestContextInterceptor(), ErrorInterceptor("marriage"),
        CallerAuthInterceptor(CallerVerifier(infra.secrets.caller_public_key))])
    pb_grpc.add_MarriageServiceServicer_to_server(service, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield service, f"127.0.0.1:{port}"
    await server.stop(grace=None)


async def _gateway(start_gateway, marriage):
    service, address = marriage
    gw = await start_gateway(backends={"marriage": address})
    return gw, service


async def _bearer(gw, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await gw.token(username)}"}


async def _register(gw, headers):
    return await gw.client.post("/v1/marriages:register", headers=headers,
                                json={**COUPLE, "requestId": unique("r")})


async def test_a_lapsed_or_unrecorded_registrar_is_refused_registering_but_reads(start_gateway, marriage):
    gw, service = await _gateway(start_gateway, marriage)
    today = gw.clock.today()
    lapsed_on = years_after(today, -2) - dt.timedelta(days=1)  # its last qualified day was yesterday
    lapsed = await _bearer(gw, await gw.add_user("marriage_registrar", assessed_on=lapsed_on))
    refused = await _register(gw, lapsed)
    assert refused.status_code == 403
    assert refused.json()["reason"] == "REGISTRAR_NOT_QUALIFIED"
    assert refused.json()["detail"] == (f"婚姻登记员培训考核已超过两年（最近一次合格：{lapsed_on.isoformat()}），"
                                        "须经市级以上民政部门培训考核合格后方可办理登记")
    assert "RegisterMarriage" not in service.callers  # refused at the gateway

    unrecorded = await _bearer(gw, await gw.add_user("marriage_registrar", assessed_on=None))
    refused = await _register(gw, unrecorded)
    assert refused.status_code == 403 and refused.json()["reason"] == "REGISTRAR_NOT_QUALIFIED"
    assert refused.json()["detail"] == "未登记培训考核合格日期，请账号管理员登记"

    read = await gw.client.get("/v1/marriages/m1", headers=lapsed)
    assert read.status_code == 200, read.text
    assert "marriage_registrar" in service.callers["GetMarriage"].roles

    me = (await gw.client.get("/v1/auth/me", headers=unrecorded)).json()
    assert me["registrarQualification"]["state"] == "UNRECORDED"
    me = (await gw.client.get("/v1/auth/me", headers=lapsed)).json()
    assert me["registrarQualification"] == {
        "state": "LAPSED", "assessedOn": lapsed_on.isoformat(),
        "qualifiedUntil": (today - dt.timedelta(days=1)).isoformat(), "daysLeft": -1}


async def test_a_current_registrar_registers_until_the_last_day_and_not_after(start_gateway, marriage):
    gw, service = await _gateway(start_gateway, marriage)
    today = gw.clock.today()
    assessed = years_after(today, -2)  # today is its last qualified day
    headers = await _bearer(gw, await gw.add_user("marriage_registrar", assessed_on=assessed))
    registered = await _register(gw, headers)
    assert registered.status_code == 200, registered.text
    assert "marriage_registrar" in service.callers["RegisterMarriage"].roles
    me = (await gw.client.get("/v1/auth/me", headers=headers)).json()
    assert me["registrarQualification"]["state"] == "LAPSING"

    # The same token the next day (its signed caller token cached): refused by the gateway's clock,
    # and the caller token it would now sign lacks the role, so the service refuses it too.
    gw.clock.advance(days=1)
    refused = await _register(gw, headers)
    assert refused.status_code == 403 and refused.json()["reason"] == "REGISTRAR_NOT_QUALIFIED"
    principal = gw.gateway.issuer.verify(headers["Authorization"].split()[1])
    route = next(r for r in gw.gateway.routes if r.method.name == "RegisterMarriage")
    metadata = gw.gateway.caller_tokens.metadata(principal, "req-1", route.policy)
    async with grpc.aio.insecure_channel(marriage[1]) as channel:
        try:
            await pb_grpc.MarriageServiceStub(channel).RegisterMarriage(pb.RegisterMarriageRequest(), metadata=metadata)
            raise AssertionError("the service accepted a lapsed registrar")
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_another_role_admitting_the_call_is_not_blocked(start_gateway, marriage):
    gw, service = await _gateway(start_gateway, marriage)
    both = await _bearer(gw, await gw.add_user("marriage_registrar", "marriage_counselor", assessed_on=None))
    opened = await gw.client.post("/v1/counselingCases", headers=both, json={"requestId": unique("r")})
    assert opened.status_code == 200, opened.text
    # Counseling is not a registration act: the caller is signed with both roles, as the account is.
    assert service.callers["OpenCounselingCase"].roles == {"marriage_registrar", "marriage_counselor"}
    assert (await _register(gw, both)).json()["reason"] == "REGISTRAR_NOT_QUALIFIED"


async def test_the_admin_records_the_date_audited_and_earlier_tokens_end(start_gateway, marriage):
    gw, _ = await _gateway(start_gateway, marriage)
    today = gw.clock.today()
    admin = await gw.headers("admin")
    username = await gw.add_user("marriage_registrar", assessed_on=None)
    before = await _bearer(gw, username)
    assert (await _register(gw, before)).status_code == 403

    ahead = await gw.client.patch(f"/v1/admin/users/{username}", headers=admin,
                                  json={"assessedOn": (today + dt.timedelta(days=1)).isoformat()})
    assert ahead.status_code == 400 and ahead.json()["violations"][0]["field"] == "assessedOn"
    bad = await gw.client.patch(f"/v1/admin/users/{username}", headers=admin, json={"assessedOn": "2025/03/01"})
    assert bad.status_code == 400

    assessed = today - dt.timedelta(days=30)
    changed = await gw.client.patch(f"/v1/admin/users/{username}", headers=admin,
                                     json={"assessedOn": assessed.isoformat()})
    assert changed.status_code == 200 and changed.json()["assessedOn"] == assessed.isoformat()
    # The token minted before the change ends, as after a role change; the next sign-in registers.
    assert (await _register(gw, before)).json()["reason"] == "TOKEN_REVOKED"
    after = await _bearer(gw, username)
    assert (await _register(gw, after)).status_code == 200

    # Back to an older date (a correction): the token carrying the newer one stops at once.
    old = years_after(today, -3)
    assert (await gw.client.patch(f"/v1/admin/users/{username}", headers=admin,
                                  json={"assessedOn": old.isoformat()})).status_code == 200
    assert (await _register(gw, after)).status_code == 401
    assert (await _register(gw, await _bearer(gw, username))).json()["reason"] == "REGISTRAR_NOT_QUALIFIED"

    async with gw.gateway.db.transaction() as session:
        rows = (await session.execute(text(
            "SELECT action, reason, before->>'assessedOn' AS was, after->>'assessedOn' AS now "
            "FROM gateway.audit_log WHERE resource = :r ORDER BY at, id"), {"r": f"users/{username}"})).all()
    assert [(r.action, r.reason, r.was, r.now) for r in rows] == [
        ("account.create", "", None, None),
        ("account.update", "changed: assessed_on", None, assessed.isoformat()),
        ("account.update", "changed: assessed_on", assessed.isoformat(), old.isoformat()),
    ]


async def test_accounts_are_created_with_the_date_and_the_demo_registrar_has_a_current_one(start_gateway):
    gw = await start_gateway(demo_accounts=True)
    admin = await gw.headers("admin")
    username = unique("clerk")
    made = await gw.client.post("/v1/admin/users", headers=admin, json={
        "username": username, "password": PASSWORD, "roles": ["marriage_registrar"], "jurisdiction": "421281",
        "assessedOn": "2025-03-01"})
    assert made.status_code == 201 and made.json()["assessedOn"] == "2025-03-01"
    assert (await gw.client.get(f"/v1/admin/users/{username}", headers=admin)).json()["assessedOn"] == "2025-03-01"

    today = gw.clock.today()
    demo = demo_assessed_on(today)
    assert demo <= today and (years_after(demo, 2) - today).days > 60  # registers, no warning yet
    token = await gw.token("marriage_registrar", "civic-demo")
    me = (await gw.client.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"})).json()
    assert me["registrarQualification"]["state"] == "CURRENT"


async def test_the_admin_sees_each_registrars_standing_by_the_gateways_today(start_gateway):
    """The accounts screen lists the standing (rules.md §1.4) as the registrar's home page shows it,
    counted by the gateway's today: assessed two years ago today is the last day (LAPSING, 0 days
    left), a day earlier has lapsed; no standing on an account without the registrar's role."""
    gw = await start_gateway()
    admin = await gw.headers("admin")
    today = gw.clock.today()
    current = today - dt.timedelta(days=300)
    last_day = await gw.add_user("marriage_registrar", assessed_on=years_after(today, -2))
    lapsed = await gw.add_user("marriage_registrar", assessed_on=years_after(today, -2) - dt.timedelta(days=1))
    registrar = await gw.add_user("marriage_registrar", assessed_on=current)
    unrecorded = await gw.add_user("marriage_registrar", "supervisor", assessed_on=None)
    counselor = await gw.add_user("marriage_counselor")

    listed = {u["username"]: u for u in (await gw.client.get("/v1/admin/users", headers=admin)).json()["users"]}
    assert listed[registrar]["registrarQualification"] == {
        "state": "CURRENT", "assessedOn": current.isoformat(),
        "qualifiedUntil": years_after(current, 2).isoformat(), "daysLeft": (years_after(current, 2) - today).days}
    assert listed[last_day]["registrarQualification"]["state"] == "LAPSING"
    assert listed[last_day]["registrarQualification"]["daysLeft"] == 0
    assert listed[lapsed]["registrarQualification"]["state"] == "LAPSED"
    assert listed[unrecorded]["registrarQualification"]["state"] == "UNRECORDED"
    assert "registrarQualification" not in listed[counselor]

    shown = (await gw.client.get(f"/v1/admin/users/{lapsed}", headers=admin)).json()
    assert shown["registrarQualification"]["daysLeft"] == -1
    changed = await gw.client.patch(f"/v1/admin/users/{lapsed}", headers=admin, json={"assessedOn": today.isoformat()})
    assert changed.json()["registrarQualification"]["state"] == "CURRENT"
