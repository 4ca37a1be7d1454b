"""/openapi.json: derived from the descriptors, valid OpenAPI 3.1; /docs served from our own assets."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_31

from gateway.descriptors import load_services
from gateway.routes import http_rule


@pytest.fixture
async def spec(start_gateway) -> dict:
    gw = await start_gateway()
    reply = await gw.client.get("/openapi.json")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    return reply.json()


def operations(spec: dict) -> dict[str, tuple[str, str, dict]]:
    return {
        op["operationId"]: (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }


def resolve(spec: dict, ref: str) -> dict:
    assert ref.startswith("#/components/")
    node = spec
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_valid_openapi_31(spec: dict) -> None:
    assert spec["openapi"].startswith("3.1")
    jsonschema.Draft202012Validator(OPENAPI_31).validate(spec)


def test_every_ref_resolves(spec: dict) -> None:
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(spec)))
    assert refs
    for ref in refs:
        resolve(spec, ref)


def test_an_operation_for_every_annotated_rpc(spec: dict) -> None:
    expected = {
        f"{s.descriptor.name}.{m.name}"
        for s in load_services()
        for m in s.descriptor.methods
        if http_rule(m) is not None and not m.server_streaming
    }
    found = operations(spec)
    # VerifyRecord is for the /verify page alone (role public_verifier, which no account or client
    # holds): documented, it would be an operation every integrator is refused.
    internal = {"MarriageService.VerifyRecord"}
    assert expected - internal <= set(found) and not internal & set(found)
    assert {
        "DivisionService.ListDivisions",
        "DivisionService.RenameDivision",
        "MarriageService.RegisterMarriage",
    } <= set(found)
    all_ids = [
        op["operationId"] for item in spec["paths"].values() for m, op in item.items() if m != "parameters"
    ]
    assert len(all_ids) == len(set(all_ids))


def test_rename_operation(spec: dict) -> None:
    path, method, op = operations(spec)["DivisionService.RenameDivision"]
    assert (path, method) == ("/v1/divisions/{divisionId}:rename", "post")
    assert [p["name"] for p in op["parameters"] if p["in"] == "path"] == ["divisionId"]
    assert {p["name"] for p in op["parameters"] if p["in"] == "header"} == {"Idempotency-Key"}
    body = resolve(spec, op["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert set(body["properties"]) == {"requestId", "newDisplayName", "effectiveDate", "reason"}
    assert body["additionalProperties"] is False
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/civic.placenames.v1.Division"
    }
    problem = resolve(spec, op["responses"]["409"]["$ref"])
    assert problem["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert op["x-civic-roles"] == ["placenames_officer"]


def test_query_parameters_and_proto3_json_types(spec: dict) -> None:
    path, method, op = operations(spec)["DivisionService.ListDivisions"]
    params = {p["name"]: p["schema"] for p in op["parameters"]}
    assert set(params) == {"parentCode", "level", "asOf", "includeRetired", "pageSize", "pageToken"}
    assert params["level"] == {"$ref": "#/components/schemas/civic.placenames.v1.DivisionLevel"}
    assert params["pageSize"]["type"] == "integer" and params["includeRetired"] == {"type": "boolean"}
    schemas = spec["components"]["schemas"]
    assert schemas["civic.placenames.v1.DivisionLevel"]["enum"][0] == "DIVISION_LEVEL_UNSPECIFIED"
    division = schemas["civic.placenames.v1.Division"]["properties"]
    assert division["updateTime"] == {"type": "string", "format": "date-time", "readOnly": True}
    assert division["history"]["type"] == "array" and division["state"]["readOnly"] is True
    report = schemas["civic.marriage.v1.ImportReport"]["properties"]
    assert report["rowsRead"]["type"] == "string" and report["rowsRead"]["format"] == "int64"


def test_the_work_calendar_operation_takes_the_year_as_an_integer_path_parameter(spec: dict) -> None:
    path, method, op = operations(spec)["MarriageService.GetWorkCalendar"]
    assert (path, method) == ("/v1/workCalendar/{year}", "get")
    params = {(p["in"], p["name"]): p["schema"] for p in op["parameters"]}
    assert params == {("path", "year"): {"type": "integer", "format": "int32", "minimum": -(2**31),
                                         "maximum": 2**31 - 1},
                      ("query", "officeCode"): {"type": "string"}}
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/civic.marriage.v1.WorkCalendar"
    }
    calendar = spec["components"]["schemas"]["civic.marriage.v1.WorkCalendar"]["properties"]
    assert {"noticeLoaded", "noticeSource", "holidays", "makeUpWorkdays", "rushDates", "divorcePeriodsToday"} \
        <= set(calendar)
    application = spec["components"]["schemas"]["civic.marriage.v1.DivorceApplication"]["properties"]
    assert application["periodsProvisional"] == {"type": "boolean"}
    assert op["x-civic-read-only"] is True and "marriage_counselor" in op["x-civic-roles"]


def test_every_list_describes_its_paging_once_for_all(spec: dict) -> None:
    lists = {name: op for name, (_, _, op) in operations(spec).items()
             if ".List" in name and "x-civic-grpc-method" in op}  # the services' (the gateway's own page otherwise)
    assert {"MarriageService.ListMarriages", "MarriageService.ListAuditRecords", "DivisionService.ListDivisions"} \
        <= set(lists)
    for name, op in lists.items():
        described = {p["name"]: p.get("description", "") for p in op["parameters"]}
        assert "nextPageToken" in described["pageToken"] and "INVALID_PAGE_TOKEN" in described["pageToken"], name
        assert "1000" in described["pageSize"], name


def test_bulk_import_accepts_json_lines_and_raw_files(spec: dict) -> None:
    _, _, op = operations(spec)["MarriageService.ImportHistoricalRecords"]
    assert set(op["requestBody"]["content"]) == {
        "application/json",
        "application/x-ndjson",
        "application/octet-stream",
    }
    assert "import.write" in op["x-civic-scopes"]


def test_security_schemes_and_gateway_endpoints(spec: dict) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    flows = schemes["oauth2"]["flows"]
    assert flows["password"]["tokenUrl"] == flows["clientCredentials"]["tokenUrl"] == "/v1/auth/token"
    assert set(flows["clientCredentials"]["scopes"]) == {"feed.read", "import.write"}
    found = operations(spec)
    assert {"Auth.Token", "Auth.Revoke", "Auth.Me", "Exchange.ListEvents", "Admin.CreateUser"} <= set(found)
    assert found["Auth.Token"][2]["security"] == []
    assert found["DivisionService.GetDivision"][2]["security"] == [
        {"bearerAuth": []},
        {"oauth2": ["feed.read"]},
    ]


async def test_docs_page_uses_only_shipped_assets(start_gateway) -> None:
    gw = await start_gateway()
    page = await gw.client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/static/") for a in assets)
    for asset in assets:
        served = await gw.client.get(asset)
        assert served.status_code == 200
        assert not re.search(r"https?://", served.text), f"{asset} loads something from elsewhere"
    assert "/openapi.json" in (await gw.client.get("/static/docs.js")).text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_page_size_is_documented_as_the_services_take_it(spec: dict) -> None:
    """A negative pageSize is refused (400 INVALID_PAGE_SIZE) and one above 1000 is served as 1000:
    the schema said any int32 from -2147483648."""
    lists = {name: op for name, (_, _, op) in operations(spec).items() if "x-civic-grpc-method" in op}
    sized = {name: p for name, op in lists.items() for p in op["parameters"] if p["name"] == "pageSize"}
    assert "MarriageService.ListMarriages" in sized and "DivisionService.ListDivisions" in sized
    for name, param in sized.items():
        assert param["schema"]["minimum"] == 0 and param["schema"]["default"] == 50, name
        assert param["schema"]["maximum"] == 2**31 - 1 and "1000" in param["description"], name  # capped
