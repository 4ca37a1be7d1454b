"""Client-streaming (bulk) RPCs, response_body and methods other than GET/POST, on the test-only
ThingService (tests/gateway/protos)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
async def things_gw(start_gateway, things, things_backend):
    return await start_gateway(services=[things], backends={"gwtest": things_backend.address})


async def test_json_array_streams_one_message_per_item(things_gw, things_backend) -> None:
    headers = {**await things_gw.headers("supervisor"), "Idempotency-Key": "imp-1"}
    items = [{"sourceName": "a.csv", "data": "YWJj"}, {"source_name": "b.csv", "data": "ZA=="}]
    reply = await things_gw.client.post("/v1/rooms/r1/things:import", headers=headers, json=items)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {
        "chunks": "2",
        "bytes": "4",
        "requestIds": ["imp-1", "imp-1"],
        "sourceNames": ["a.csv", "b.csv"],
        "parents": ["rooms/r1", "rooms/r1"],
    }


async def test_json_lines_with_query_fields_common_to_every_message(things_gw) -> None:
    headers = {**await things_gw.headers("supervisor"), "Content-Type": "application/x-ndjson"}
    lines = b'{"data": "YQ=="}\n\n{"data": "Yg=="}\n{"data": "Yw=="}\n'
    reply = await things_gw.client.post(
        "/v1/rooms/r1/things:import", params={"sourceName": "x.jsonl"}, headers=headers, content=lines
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["chunks"] == "3" and reply.json()["sourceNames"] == ["x.jsonl"] * 3


async def test_raw_bytes_are_streamed_into_the_single_bytes_field(things_gw, things_backend) -> None:
    payload = bytes(range(256)) * 10_000  # 2.56 MB → three chunks of at most 1 MiB
    headers = {**await things_gw.headers("supervisor"), "Content-Type": "text/csv"}
    reply = await things_gw.client.post(
        "/v1/rooms/r1/things:import", params={"sourceName": "big.csv"}, headers=headers, content=payload
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["chunks"] == "3" and reply.json()["bytes"] == str(len(payload))
    chunks = things_backend.received["ImportThings"][-1]
    assert b"".join(c.data for c in chunks) == payload
    assert {c.source_name for c in chunks} == {"big.csv"} and {c.parent for c in chunks} == {"rooms/r1"}


async def test_a_bad_item_stops_the_whole_stream_before_anything_is_sent(things_gw, things_backend) -> None:
    headers = await things_gw.headers("supervisor")
    items = [{"data": "YQ=="}, {"data": 5, "sourceName": "b"}, {"bogus": True}]
    reply = await things_gw.client.post("/v1/rooms/r1/things:import", headers=headers, json=items)
    assert reply.status_code == 400
    assert {v["field"] for v in reply.json()["violations"]} == {"[1].data", "[2].bogus"}
    broken = await things_gw.client.post(
        "/v1/rooms/r1/things:import",
        headers={**headers, "Content-Type": "application/x-ndjson"},
        content=b'{"data": "YQ=="}\n{"data": \n',
    )
    assert broken.status_code == 400 and broken.json()["violations"][0]["field"] == "[1]"
    assert "ImportThings" not in things_backend.received


async def test_bulk_routes_are_rate_limited_and_scope_checked(start_gateway, things, things_backend) -> None:
    gw = await start_gateway(
        services=[things], backends={"gwtest": things_backend.address}, bulk_rate_per_minute=2
    )
    importer = await gw.client_headers("import.write")
    statuses = [
        (await gw.client.post("/v1/rooms/r1/things:import", headers=importer, json=[{"data": ""}]))
        for _ in range(3)
    ]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2].json()["reason"] == "RATE_LIMITED" and int(statuses[2].headers["retry-after"]) >= 1
    reader = await gw.client_headers("feed.read")
    assert (await gw.client.post("/v1/rooms/r1/things:import", headers=reader, json=[{}])).status_code == 403


async def test_patch_put_delete_and_response_body(things_gw, things_backend) -> None:
    headers = await things_gw.headers("supervisor")
    patched = await things_gw.client.patch(
        "/v1/rooms/r1/things/t1",
        headers=headers,
        json={"title": "新", "weight": 7, "madeTime": "2024-01-02T03:04:05Z"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "rooms/r1/things/t1" and patched.json()["weight"] == "7"
    assert patched.json()["madeTime"] == "2024-01-02T03:04:05Z"
    put = await things_gw.client.put("/v1/rooms/r1/things/t2", headers=headers, json={"title": "x"})
    assert put.status_code == 200 and put.json()["name"] == "rooms/r1/things/t2"
    deleted = await things_gw.client.delete(
        "/v1/rooms/r1/things/t2", headers=headers, params={"requestId": "d1"}
    )
    assert deleted.status_code == 200
    assert things_backend.received["DeleteThing"][-1].request_id == "d1"
    count = await things_gw.client.get("/v1/things:count", headers=headers)
    assert count.status_code == 200 and json.loads(count.content) == "42"
    listed = await things_gw.client.get(
        "/v1/rooms/r9/things",
        headers=headers,
        params=[("filter.colors", "COLOR_RED"), ("filter.colors", "COLOR_BLUE")],
    )
    assert listed.json()["things"][0] == {
        **listed.json()["things"][0],
        "title": "rooms/r9",
        "weight": "1099511627776",
    }
    assert list(things_backend.received["ListThings"][-1].filter.colors) == [1, 2]


async def test_an_empty_file_is_refused_like_an_empty_json_stream(things_gw, things_backend) -> None:
    """Zero bytes of a raw upload are no file at all: 400 EMPTY_STREAM (as for an empty JSON array),
    not one empty chunk that the service would take for a file without rows."""
    headers = {**await things_gw.headers("supervisor"), "Content-Type": "text/csv"}
    for body in (b"", None):
        reply = await things_gw.client.post(
            "/v1/rooms/r1/things:import", params={"sourceName": "empty.csv"}, headers=headers, content=body
        )
        assert reply.status_code == 400, reply.text
        assert reply.json()["reason"] == "EMPTY_STREAM" and reply.json()["violations"][0]["field"] == "data"
    empty_json = await things_gw.client.post(
        "/v1/rooms/r1/things:import", headers={**headers, "Content-Type": "application/json"}, content=b"[]"
    )
    assert empty_json.status_code == 400 and empty_json.json()["reason"] == "EMPTY_STREAM"
    assert "ImportThings" not in things_backend.received
