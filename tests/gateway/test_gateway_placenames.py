"""Through the gateway to the real placenames service (PostgreSQL, outbox relay, JetStream)."""

from __future__ import annotations

import asyncio
import random

import pytest
from placenames.bootstrap import MIGRATIONS, build_spec
from placenames.seed import load_seed
from placenames.settings import PlacenamesSettings


@pytest.fixture
async def placenames_gw(start_service, start_gateway, fake_clock):
    service = await start_service(build_spec(), PlacenamesSettings, MIGRATIONS, clock=fake_clock)
    await load_seed(service.infra.uow)
    return await start_gateway(backends={"placenames": f"127.0.0.1:{service.runtime.port}"})


async def free_village_code(gw, headers: dict[str, str]) -> str:
    """A village code under 神山镇 that no division has (the run's database may be reused)."""
    while True:
        code = f"421281106{random.randint(900, 999)}"
        if (await gw.client.get(f"/v1/divisions/{code}", headers=headers)).status_code == 404:
            return code


async def test_children_of_chibi_through_the_gateway(placenames_gw) -> None:
    reply = await placenames_gw.client.get(
        "/v1/divisions",
        headers=await placenames_gw.headers("marriage_registrar"),
        params={"parentCode": "421281", "pageSize": 100},
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["totalSize"] == 19 and len(body["divisions"]) == 19
    assert {"蒲圻街道", "赤马港街道", "陆水湖街道", "新店镇", "黄盖湖镇", "余家桥乡"} <= {
        d["displayName"] for d in body["divisions"]
    }
    assert {d["level"] for d in body["divisions"]} == {"DIVISION_LEVEL_TOWNSHIP"}


async def test_paging_the_villages_through_the_gateway(placenames_gw) -> None:
    headers = await placenames_gw.headers("placenames_officer")
    seen, token = [], ""
    while True:
        reply = await placenames_gw.client.get("/v1/divisions", headers=headers, params={
            "level": "DIVISION_LEVEL_VILLAGE", "pageSize": 40, "pageToken": token})
        assert reply.status_code == 200, reply.text
        seen += [d["code"] for d in reply.json()["divisions"]]
        if not (token := reply.json()["nextPageToken"]):
            break
    assert len(seen) == len(set(seen)) >= 185 and seen == sorted(seen)
    refused = await placenames_gw.client.get("/v1/divisions", headers=headers, params={"pageToken": "not-a-token"})
    assert refused.status_code == 400 and refused.json()["reason"] == "INVALID_PAGE_TOKEN"


async def test_one_idempotency_key_one_record_one_event(placenames_gw) -> None:
    gw = placenames_gw
    officer = await gw.headers("placenames_officer")
    code = await free_village_code(gw, officer)
    reader = await gw.client_headers("feed.read")
    cursor = await stream_end(gw, reader)
    body = {
        "code": code,
        "displayName": "试验村",
        "parentCode": "421281106000",
        "effectiveDate": "2024-01-01",
        "reason": "赤政函〔2024〕9号",
    }
    key = {**officer, "Idempotency-Key": f"create-{code}"}
    first, second = await asyncio.gather(
        gw.client.post("/v1/divisions", headers=key, json=body),
        gw.client.post("/v1/divisions", headers=key, json=body),
    )
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert first.json() == second.json()
    got = (await gw.client.get(f"/v1/divisions/{code}", headers=officer)).json()
    assert [h["kind"] for h in got["history"]] == ["CHANGE_KIND_CREATED"]

    events: list[dict] = []
    deadline = asyncio.get_running_loop().time() + 10
    while asyncio.get_running_loop().time() < deadline:
        page = (
            await gw.client.get(
                "/v1/exchange/events",
                headers=reader,
                params={"after": cursor, "wait": 1, "subject": "civic.placenames.division_changed"},
            )
        ).json()
        events += [e for e in page["events"] if e["data"]["code"] == code]
        cursor = page["next"]
        if events and not page["events"]:  # caught up: a duplicate would have shown by now
            break
    assert len(events) == 1 and events[0]["data"]["kind"] == "CHANGE_KIND_CREATED"
    assert events[0]["type"] == "civic.placenames.v1.DivisionChanged"

    conflict = await gw.client.post(
        "/v1/divisions", headers={**officer, "Idempotency-Key": f"again-{code}"}, json=body
    )
    assert conflict.status_code == 409 and conflict.headers["content-type"] == "application/problem+json"
    invalid = await gw.client.post("/v1/divisions", headers=officer, json={**body, "code": "12345"})
    assert invalid.status_code == 400 and invalid.json()["violations"][0]["field"] == "code"


async def stream_end(gw, headers: dict[str, str]) -> str:
    """The feed cursor of the last event now on the stream."""
    cursor = "0"
    while True:
        page = (
            await gw.client.get(
                "/v1/exchange/events", headers=headers, params={"after": cursor, "limit": 1000}
            )
        ).json()
        if not page["events"]:
            return cursor
        cursor = page["next"]
