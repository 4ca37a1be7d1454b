"""The transcoded API end to end: HTTP → gateway → gRPC service (caller token verified) → JSON."""

from __future__ import annotations

import asyncio
import time

import pytest
from civic.placenames.v1 import divisions_pb2 as pb

PROBLEM = "application/problem+json"


async def test_list_with_query_parameters(gw) -> None:
    headers = await gw.headers("placenames_officer")
    reply = await gw.client.get(
        "/v1/divisions",
        headers=headers,
        params={
            "parentCode": "421281",
            "level": "DIVISION_LEVEL_TOWNSHIP",
            "pageSize": "20",
            "includeRetired": "true",
        },
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    seen = gw.backend.service.last("ListDivisions").request
    assert seen == pb.ListDivisionsRequest(
        parent_code="421281", level=pb.DIVISION_LEVEL_TOWNSHIP, page_size=20, include_retired=True
    )
    body = reply.json()
    assert [d["displayName"] for d in body["divisions"]] == ["蒲圻街道", "陆水湖街道"]
    assert body["divisions"][0]["level"] == "DIVISION_LEVEL_TOWNSHIP"
    assert body["divisions"][0]["parentCode"] == "" and body["nextPageToken"] == ""  # defaults shown


async def test_page_tokens_pass_through_unchanged(gw) -> None:
    # A keyset token as the services make them: base64url, with '-' and '_', longer than 100 characters.
    token = "WzEsImRpdmlzaW9ucyIsIjNmYjM0YzQ1Il0-_" * 4
    reply = await gw.client.get("/v1/divisions", headers=await gw.headers("placenames_officer"),
                                params={"parentCode": "421281", "pageSize": "2", "pageToken": token})
    assert reply.status_code == 200, reply.text
    assert gw.backend.service.last("ListDivisions").request.page_token == token
    assert reply.json()["nextPageToken"] == token[::-1]


async def test_get_by_resource_name(gw) -> None:
    reply = await gw.client.get("/v1/divisions/421281", headers=await gw.headers("supervisor"))
    assert reply.status_code == 200
    assert gw.backend.service.last("GetDivision").request.name == "divisions/421281"
    assert reply.json()["updateTime"] == "2023-11-14T22:13:20Z"


@pytest.mark.parametrize("colon", [":", "%3A"])
async def test_custom_verb_with_body(gw, colon: str) -> None:
    reply = await gw.client.post(
        f"/v1/divisions/421281{colon}rename",
        headers=await gw.headers("placenames_officer"),
        json={"newDisplayName": "赤壁市", "effectiveDate": "2025-01-01"},
    )
    assert reply.status_code == 200, reply.text
    seen = gw.backend.service.last("RenameDivision").request
    assert (seen.name, seen.new_display_name, seen.effective_date) == (
        "divisions/421281",
        "赤壁市",
        "2025-01-01",
    )
    assert reply.json()["displayName"] == "赤壁市"


async def test_the_service_sees_the_signed_caller_and_the_request_id(gw) -> None:
    username = await gw.add_user("marriage_registrar", "funeral_officer", jurisdiction="421281")
    token = await gw.token(username)
    reply = await gw.client.get(
        "/v1/divisions/421281", headers={"Authorization": f"Bearer {token}", "X-Request-Id": "req-abc.123"}
    )
    assert reply.status_code == 200
    assert reply.headers["x-request-id"] == "req-abc.123"
    seen = gw.backend.service.last("GetDivision")
    assert seen.metadata["x-request-id"] == "req-abc.123"
    assert seen.caller.subject == username
    assert seen.caller.roles == {"marriage_registrar", "funeral_officer"}
    assert seen.caller.jurisdiction == "421281" and seen.caller.kind == "staff"
    reply = await gw.client.get("/v1/divisions/421281", headers={"Authorization": f"Bearer {token}"})
    generated = reply.headers["x-request-id"]
    assert generated and gw.backend.service.last("GetDivision").metadata["x-request-id"] == generated


async def test_idempotency_key_becomes_request_id_and_a_retry_returns_the_first_result(gw) -> None:
    headers = {**await gw.headers("placenames_officer"), "Idempotency-Key": "create-421281999"}
    body = {"code": "421281999", "displayName": "新区", "parentCode": "421281"}
    first = await gw.client.post("/v1/divisions", headers=headers, json=body)
    second = await gw.client.post("/v1/divisions", headers=headers, json=body)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and first.json()["source"] == "created #1"
    calls = [c.request for c in gw.backend.service.calls if c.method == "CreateDivision"]
    assert [c.request_id for c in calls] == ["create-421281999", "create-421281999"]
    own = await gw.client.post("/v1/divisions", headers=headers, json={**body, "requestId": "mine"})
    assert own.status_code == 200 and gw.backend.service.last("CreateDivision").request.request_id == "mine"


async def test_service_errors_become_problems(gw) -> None:
    headers = await gw.headers("placenames_officer")
    missing = await gw.client.get("/v1/divisions/000000", headers={**headers, "X-Request-Id": "r-404"})
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    assert missing.json() == {
        "type": "urn:civic:problem:DIVISION_NOT_FOUND",
        "title": "未找到",
        "status": 404,
        "detail": "区划 000000 不存在",
        "reason": "DIVISION_NOT_FOUND",
        "violations": [],
        "requestId": "r-404",
        "domain": "civic.placenames",
        "metadata": {"code": "000000"},
    }
    invalid = await gw.client.post("/v1/divisions", headers=headers, json={"code": "421281998"})
    assert invalid.status_code == 400
    assert invalid.json()["reason"] == "DISPLAY_NAME_REQUIRED"
    assert invalid.json()["violations"] == [{"field": "displayName", "description": "区划名称不能为空"}]
    retired = await gw.client.post(
        "/v1/divisions/429999:rename", headers=headers, json={"newDisplayName": "x"}
    )
    assert retired.status_code == 409 and retired.json()["reason"] == "DIVISION_RETIRED"
    # A limit the service keeps is not the gateway's rate limit: no "请求过于频繁" (retrying won't help).
    used_up = await gw.client.post("/v1/divisions", headers=headers, json={"code": "421281997", "displayName": "新区"})
    assert used_up.status_code == 429 and used_up.json()["reason"] == "CODES_EXHAUSTED"
    assert used_up.json()["title"] == "已达上限"


async def test_a_problem_lists_at_most_a_hundred_violations_and_counts_the_rest(gw) -> None:
    headers = await gw.headers("placenames_officer")
    before = len(gw.backend.service.calls)
    query = "&".join(f"bogus{i}=1" for i in range(150))
    reply = await gw.client.get(f"/v1/divisions?{query}", headers=headers)
    assert reply.status_code == 400
    body = reply.json()
    assert [v["field"] for v in body["violations"]] == [f"bogus{i}" for i in range(100)]
    assert body["violationsOmitted"] == 50
    few = (await gw.client.get("/v1/divisions?bogus=1", headers=headers)).json()
    assert len(few["violations"]) == 1 and "violationsOmitted" not in few
    assert len(gw.backend.service.calls) == before  # refused before the service


async def test_bad_input_is_refused_before_the_service_is_called(gw) -> None:
    headers = await gw.headers("placenames_officer")
    cases = {
        "malformed": dict(content=b'{"code": ', headers={**headers, "Content-Type": "application/json"}),
        "unknown field": dict(json={"code": "1", "colour": "red"}, headers=headers),
        "wrong type": dict(json={"code": 421281, "displayName": ["x"]}, headers=headers),
        "not an object": dict(json=[1, 2], headers=headers),
    }
    for case, kwargs in cases.items():
        reply = await gw.client.post("/v1/divisions", **kwargs)
        assert reply.status_code == 400, case
        assert reply.headers["content-type"] == PROBLEM and reply.json()["violations"], case
    fields = {
        v["field"]
        for v in (await gw.client.post("/v1/divisions", **cases["wrong type"])).json()["violations"]
    }
    assert fields == {"code", "displayName"}
    too_big = await gw.client.post(
        "/v1/divisions",
        headers={**headers, "Content-Type": "application/json"},
        content=b'{"source": "' + b"x" * (1 << 20) + b'"}',
    )
    assert too_big.status_code == 413 and too_big.json()["reason"] == "BODY_TOO_LARGE"
    assert too_big.json()["violations"]
    not_json = await gw.client.post(
        "/v1/divisions", headers={**headers, "Content-Type": "text/plain"}, content=b"code=1"
    )
    assert not_json.status_code == 415
    bad_query = await gw.client.get("/v1/divisions", headers=headers, params={"pageSize": "many"})
    assert bad_query.status_code == 400 and bad_query.json()["violations"][0]["field"] == "pageSize"
    assert not [c for c in gw.backend.service.calls if c.method == "CreateDivision"]


async def test_no_token_is_401_and_a_role_outside_the_policy_is_403(gw) -> None:
    anonymous = await gw.client.get("/v1/divisions")
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    garbage = await gw.client.get("/v1/divisions", headers={"Authorization": "Bearer not.a.token"})
    assert garbage.status_code == 401 and garbage.json()["reason"] == "INVALID_TOKEN"
    funeral = await gw.headers("funeral_officer")
    assert (await gw.client.get("/v1/divisions", headers=funeral)).status_code == 200
    denied = await gw.client.post("/v1/divisions", headers=funeral, json={"code": "1", "displayName": "x"})
    assert denied.status_code == 403 and denied.json()["reason"] == "PERMISSION_DENIED"
    importer = await gw.client_headers("import.write")
    assert (await gw.client.get("/v1/divisions", headers=importer)).status_code == 403
    reader = await gw.client_headers("feed.read")
    assert (await gw.client.get("/v1/divisions", headers=reader)).status_code == 200
    assert gw.backend.service.last("ListDivisions").caller.kind == "client"
    assert not [c for c in gw.backend.service.calls if c.method == "CreateDivision"]


async def test_unknown_routes_and_methods(gw) -> None:
    headers = await gw.headers("supervisor")
    nowhere = await gw.client.get("/v1/nowhere", headers=headers)
    assert nowhere.status_code == 404 and nowhere.json()["reason"] == "ROUTE_NOT_FOUND"
    wrong = await gw.client.delete("/v1/divisions", headers=headers)
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, POST"


async def test_the_gateways_own_endpoints_answer_405_for_a_wrong_method(gw) -> None:
    """The change feed, sign-in and the OpenAPI document are the gateway's own routes, not proto
    routes: a wrong method on them is still 405 with Allow, not 404 from the proxy's catch-all."""
    headers = await gw.client_headers("feed.read")
    for method, path, allowed in (
        ("POST", "/v1/exchange/events", "GET"),
        ("DELETE", "/v1/exchange/events", "GET"),
        ("GET", "/v1/auth/token", "POST"),
        ("PUT", "/openapi.json", "GET"),
    ):
        reply = await gw.client.request(method, path, headers=headers)
        assert reply.status_code == 405, (method, path, reply.text)
        assert reply.headers["content-type"] == PROBLEM and reply.json()["reason"] == "METHOD_NOT_ALLOWED"
        assert allowed in reply.headers["allow"].split(", ")


async def test_a_stopped_backend_answers_503_quickly(gw) -> None:
    headers = await gw.headers("supervisor")
    assert (await gw.client.get("/v1/divisions/421281", headers=headers)).status_code == 200
    await gw.backend.stop()
    for _ in range(2):  # the first call finds the connection gone, the second a channel in back-off
        started = time.monotonic()
        reply = await gw.client.get("/v1/divisions/421281", headers=headers)
        assert reply.status_code == 503 and reply.headers["content-type"] == PROBLEM
        assert reply.json()["reason"] == "BACKEND_UNAVAILABLE" and reply.headers["retry-after"]
        assert time.monotonic() - started < 2.0
    assert (await gw.client.get("/v1/auth/me", headers=headers)).status_code == 200  # the rest still works


async def test_a_slow_backend_hits_the_deadline(start_gateway, backend) -> None:
    gw = await start_gateway(backend=backend, deadline_s=0.3)
    backend.service.delay_s = 3.0
    headers = await gw.headers("supervisor")
    started = time.monotonic()
    reply = await gw.client.get("/v1/divisions/421281", headers=headers)
    assert reply.status_code == 503 and reply.json()["reason"] == "BACKEND_TIMEOUT"
    assert time.monotonic() - started < 1.5


async def test_a_service_without_an_address_is_503(start_gateway) -> None:
    gw = await start_gateway(backends={})
    reply = await gw.client.get("/v1/divisions", headers=await gw.headers("supervisor"))
    assert reply.status_code == 503 and reply.json()["reason"] == "BACKEND_NOT_CONFIGURED"


async def test_concurrent_calls_share_one_channel(gw) -> None:
    headers = await gw.headers("supervisor")
    replies = await asyncio.gather(
        *(gw.client.get(f"/v1/divisions/4212810{n:02d}", headers=headers) for n in range(20))
    )
    assert {r.status_code for r in replies} == {200}
    assert len(gw.gateway.backends._channels) == 1


async def test_any_other_method_is_a_405_problem_in_chinese_naming_the_paths_own_methods(gw) -> None:
    """OPTIONS, TRACE or a made-up method is refused like DELETE on a GET-only path: Allow names the
    methods that path takes (not every method the gateway proxies), the detail is Chinese."""
    headers = await gw.headers("supervisor")
    for path in ("/v1/divisions", "/v1/divisions/421281", "/v1/exchange/events", "/openapi.json"):
        expected = (await gw.client.delete(path, headers=headers)).headers["allow"]
        for method in ("OPTIONS", "TRACE", "PROPFIND"):
            reply = await gw.client.request(method, path, headers=headers)
            assert reply.status_code == 405, (method, path, reply.text)
            assert reply.headers["content-type"] == PROBLEM and reply.json()["reason"] == "METHOD_NOT_ALLOWED"
            assert reply.headers["allow"] == expected, (method, path)
            assert method in reply.json()["detail"] and "Method Not Allowed" not in reply.text


async def test_a_missing_static_file_is_a_404_problem_in_chinese(gw) -> None:
    reply = await gw.client.get("/static/no-such-file.css")
    assert reply.status_code == 404 and reply.headers["content-type"] == PROBLEM
    assert reply.json()["reason"] == "NOT_FOUND" and "Not Found" not in reply.json()["detail"]


async def test_an_unpaired_surrogate_in_a_body_is_a_400_not_a_500(gw) -> None:
    """A lone surrogate escape in a key could not be written back in the problem naming the key (the
    response failed to encode: 500); in the sign-in body as much as in a proxied one."""
    headers = {**await gw.headers("placenames_officer"), "Content-Type": "application/json"}
    for path, extra in (("/v1/divisions", headers), ("/v1/auth/token", {"Content-Type": "application/json"})):
        for raw in (b'{"\\ud800": 1}', b'{"displayName": "\\udfff"}'):
            reply = await gw.client.post(path, headers=extra, content=raw)
            assert reply.status_code == 400, (path, raw, reply.text)
            assert reply.headers["content-type"] == PROBLEM and reply.json()["reason"] == "MALFORMED_JSON"


async def test_a_403_says_which_scope_or_role_the_operation_needs(gw) -> None:
    """An exchange client whose token lacks the scope learned only 当前账号无权执行此操作; it now reads
    the scope it needs (and RFC 6750's insufficient_scope challenge), staff the roles."""
    importer = await gw.client_headers("import.write")
    reply = await gw.client.get("/v1/divisions", headers=importer)
    assert reply.status_code == 403 and reply.json()["reason"] == "PERMISSION_DENIED"
    assert "feed.read" in reply.json()["detail"]
    challenge = reply.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="feed.read"' in challenge
    staff_only = await gw.client.post("/v1/divisions", headers=importer, json={"code": "1"})
    assert staff_only.status_code == 403 and "数据交换客户端" in staff_only.json()["detail"]
    funeral = await gw.headers("funeral_officer")
    denied = await gw.client.post("/v1/divisions", headers=funeral, json={"code": "1", "displayName": "x"})
    assert denied.status_code == 403 and "区划地名工作人员" in denied.json()["detail"]
    assert "www-authenticate" not in denied.headers
