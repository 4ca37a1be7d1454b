"""HTTP → request message (path, query, body) and response message → proto3 JSON."""

from __future__ import annotations

import json

import pytest
from civic.placenames.v1 import divisions_pb2 as pb

from gateway.descriptors import load_services
from gateway.problems import Problem
from gateway.routes import RouteTable
from gateway.transcoding import build_request, json_field_path, parse_json, response_json


@pytest.fixture(scope="module")
def divisions() -> RouteTable:
    return RouteTable.from_services([s for s in load_services() if s.key == "placenames"])


@pytest.fixture(scope="module")
def thing_routes(things) -> RouteTable:
    return RouteTable.from_services([things])


def build(
    table: RouteTable,
    method: str,
    path: str,
    query: list[tuple[str, str]] | None = None,
    body: object = None,
    key: str = "",
):
    route, values = table.match(method, path)
    return build_request(route, values, query or [], body, key)


def violations(excinfo: pytest.ExceptionInfo[Problem]) -> dict[str, str]:
    return {v.field: v.description for v in excinfo.value.violations}


def test_query_parameters_fill_scalars_enums_and_both_spellings(divisions: RouteTable) -> None:
    request = build(
        divisions,
        "GET",
        "/v1/divisions",
        [
            ("parentCode", "421281"),
            ("level", "DIVISION_LEVEL_TOWNSHIP"),
            ("page_size", "50"),
            ("includeRetired", "true"),
            ("as_of", "2024-01-01"),
        ],
    )
    assert request == pb.ListDivisionsRequest(
        parent_code="421281",
        level=pb.DIVISION_LEVEL_TOWNSHIP,
        page_size=50,
        include_retired=True,
        as_of="2024-01-01",
    )


def test_path_variable_and_whole_body(divisions: RouteTable) -> None:
    request = build(
        divisions,
        "POST",
        "/v1/divisions/421281:rename",
        body={"newDisplayName": "赤壁市", "effective_date": "2025-01-01", "requestId": "r-1"},
    )
    assert request == pb.RenameDivisionRequest(
        name="divisions/421281", new_display_name="赤壁市", effective_date="2025-01-01", request_id="r-1"
    )


def test_path_wins_over_the_same_field_in_the_body(divisions: RouteTable) -> None:
    request = build(divisions, "POST", "/v1/divisions/421281:rename", body={"name": "divisions/999999"})
    assert request.name == "divisions/421281"


def test_nested_repeated_and_well_known_query_parameters(thing_routes: RouteTable) -> None:
    request = build(
        thing_routes,
        "GET",
        "/v1/rooms/r1/things",
        [
            ("filter.colors", "COLOR_RED"),
            ("filter.colors", "2"),
            ("filter.madeAfter", "2024-05-20T09:30:00+08:00"),
            ("tags", "a"),
            ("tags", "b"),
            ("minWeight", "9007199254740993"),
            ("ratio", "0.25"),
            ("maxAge", "7"),
            ("include_deleted", "1"),
        ],
    )
    assert request.parent == "rooms/r1"
    assert list(request.filter.colors) == [1, 2]
    assert request.filter.made_after.seconds == 1716168600
    assert list(request.tags) == ["a", "b"]
    assert request.min_weight == 9007199254740993
    assert request.ratio == 0.25 and request.max_age.value == 7 and request.include_deleted


def test_body_field_and_nested_path_variable(thing_routes: RouteTable) -> None:
    request = build(
        thing_routes,
        "PATCH",
        "/v1/rooms/r1/things/t1",
        body={
            "title": "柜",
            "weight": "12",
            "color": "COLOR_BLUE",
            "counts": {"a": 1},
            "blob": "AAEC",
            "madeTime": "2024-01-02T03:04:05Z",
            "size": {"width": 3},
            "shelfLife": 30,
            "person": "张三",
        },
    )
    thing = request.thing
    assert thing.name == "rooms/r1/things/t1" and thing.title == "柜" and thing.weight == 12
    assert thing.color == 2 and dict(thing.counts) == {"a": 1} and thing.blob == b"\x00\x01\x02"
    assert thing.size.width == 3 and thing.shelf_life.value == 30 and thing.person == "张三"


def test_every_bad_field_is_reported_with_its_json_path(thing_routes: RouteTable) -> None:
    with pytest.raises(Problem) as excinfo:
        build(
            thing_routes,
            "PATCH",
            "/v1/rooms/r1/things/t1",
            body={
                "title": 5,
                "weight": "12kg",
                "color": "GREEN",
                "tags": "x",
                "counts": {"a": "many"},
                "blob": "not base64!",
                "madeTime": "yesterday",
                "ratio": True,
                "fragile": "yes",
                "size": {"width": 2**31, "depth": 1},
                "shelfLife": "long",
                "bogus": 1,
            },
        )
    assert excinfo.value.status == 400 and excinfo.value.reason == "INVALID_ARGUMENT"
    found = violations(excinfo)
    assert set(found) == {
        "thing.title",
        "thing.weight",
        "thing.color",
        "thing.tags",
        "thing.counts[a]",
        "thing.blob",
        "thing.madeTime",
        "thing.ratio",
        "thing.fragile",
        "thing.size.width",
        "thing.size.depth",
        "thing.shelfLife",
        "thing.bogus",
    }
    assert found["thing.bogus"] == "未知字段"
    assert "COLOR_RED" in found["thing.color"]


def test_body_shape_errors(thing_routes: RouteTable, divisions: RouteTable) -> None:
    with pytest.raises(Problem) as not_object:
        build(divisions, "POST", "/v1/divisions", body=["not", "an", "object"])
    assert violations(not_object) == {"": "应为 JSON 对象"}
    with pytest.raises(Problem) as both_spellings:
        build(divisions, "POST", "/v1/divisions", body={"displayName": "a", "display_name": "b"})
    assert "displayName" in violations(both_spellings)
    with pytest.raises(Problem) as oneof:
        build(thing_routes, "PATCH", "/v1/rooms/r1/things/t1", body={"person": "a", "office": "b"})
    assert "thing.office" in violations(oneof)


def test_bad_query_parameters(divisions: RouteTable, thing_routes: RouteTable) -> None:
    with pytest.raises(Problem) as excinfo:
        build(
            divisions,
            "GET",
            "/v1/divisions",
            [
                ("pageSize", "ten"),
                ("level", "TOWN"),
                ("colour", "red"),
                ("parentCode", "1"),
                ("parentCode", "2"),
                ("includeRetired", "maybe"),
            ],
        )
    assert set(violations(excinfo)) == {"pageSize", "level", "colour", "parentCode", "includeRetired"}
    with pytest.raises(Problem) as whole_body:
        build(divisions, "POST", "/v1/divisions", [("code", "421281")], body={})
    assert "code" in violations(whole_body)
    with pytest.raises(Problem) as message_leaf:
        build(thing_routes, "GET", "/v1/rooms/r1/things", [("filter", "x")])
    assert "filter" in violations(message_leaf)
    with pytest.raises(Problem) as bound:
        build(thing_routes, "POST", "/v1/rooms/r1/things", [("thing.title", "x")], body={})
    assert "thing.title" in violations(bound)


def test_idempotency_key_fills_an_empty_request_id_only(divisions: RouteTable) -> None:
    assert build(divisions, "POST", "/v1/divisions", body={"code": "1"}, key="k-1").request_id == "k-1"
    assert build(divisions, "POST", "/v1/divisions", body={"requestId": "own"}, key="k-1").request_id == "own"
    assert build(divisions, "GET", "/v1/divisions", key="k-1") == pb.ListDivisionsRequest()


def test_response_is_proto3_json_with_defaults(
    divisions: RouteTable, thing_routes: RouteTable, message_class
) -> None:
    route, _ = divisions.match("GET", "/v1/divisions/421281")
    rendered = json.loads(response_json(route, pb.Division(code="421281", level=pb.DIVISION_LEVEL_COUNTY)))
    assert rendered["code"] == "421281" and rendered["level"] == "DIVISION_LEVEL_COUNTY"
    assert rendered["displayName"] == "" and rendered["history"] == [] and "display_name" not in rendered
    assert "updateTime" not in rendered  # messages without a value stay absent
    thing = message_class("civic.gwtest.v1.Thing")(weight=2**40)
    route, _ = thing_routes.match("GET", "/v1/rooms/a/things/b")
    assert json.loads(response_json(route, thing))["weight"] == str(2**40)
    count, _ = thing_routes.match("GET", "/v1/things:count")
    assert (
        json.loads(response_json(count, message_class("civic.gwtest.v1.CountThingsResponse")(count=3))) == "3"
    )


@pytest.mark.parametrize(
    "raw", [b"{", b'{"a": NaN}', b'{"a": 1, "a": 2}', b"\xff\xfe", b"[1,]", b"[" * 100_000 + b"]" * 100_000]
)
def test_malformed_json_is_a_400_with_a_violation(raw: bytes) -> None:
    with pytest.raises(Problem) as excinfo:
        parse_json(raw)
    assert excinfo.value.status == 400 and excinfo.value.reason == "MALFORMED_JSON"
    assert excinfo.value.violations


@pytest.mark.parametrize(("raw", "said"), [
    (b'{"a": }', "第 1 行第 7 列：此处应为一个值"),
    (b"{a: 1}", "第 1 行第 2 列：此处应为双引号括起的字段名"),
    (b'{"a" 1}', "第 1 行第 6 列：此处应为冒号 :"),
    (b'{"a": 1\n "b": 2}', "第 2 行第 2 列：此处应为逗号 ,"),
    (b'{"a": "x}', "第 1 行第 7 列：字符串没有结束的引号"),
    (b"{} []", "第 1 行第 4 列：JSON 文档结束后还有多余内容"),
    (b'{"a": "\\u12"}', "第 1 行第 9 列：无效的 \\u 转义"),
])
def test_where_json_breaks_is_said_in_chinese(raw: bytes, said: str) -> None:
    with pytest.raises(Problem) as excinfo:
        parse_json(raw, "body")
    assert [(v.field, v.description) for v in excinfo.value.violations] == [("body", said)]


def test_service_field_paths_become_json_paths(things) -> None:
    request = things.descriptor.methods_by_name["UpdateThing"].input_type
    assert json_field_path(request, "thing.made_time") == "thing.madeTime"
    assert json_field_path(request, "thing.tags[2]") == "thing.tags[2]"
    assert json_field_path(request, "thing.unknown_thing") == "thing.unknown_thing"
    assert json_field_path(pb.CreateDivisionRequest.DESCRIPTOR, "display_name") == "displayName"


def test_an_unpaired_surrogate_is_malformed_json_naming_where_it_is() -> None:
    """JSON may spell a lone UTF-16 surrogate (\\ud800), which is no character: in a key it made the
    problem itself unwritable (500), in a value the parser's English message under no field name."""
    raw = (
        b'{"title": "\\u67dc\\ud800", "tags": ["ok", "\\udc00"], "counts": {"\\ud800": 1}, '
        b'"ok": "\\ud83d\\ude00"}'
    )
    with pytest.raises(Problem) as excinfo:
        parse_json(raw, "[2]")
    assert excinfo.value.status == 400 and excinfo.value.reason == "MALFORMED_JSON"
    found = violations(excinfo)
    assert set(found) == {"[2].title", "[2].tags[1]", "[2].counts.\\ud800"}
    assert all("Unicode" in d for d in found.values())
    assert parse_json('{"名": "\U0001F600𠀀"}'.encode()) == {"名": "\U0001F600𠀀"}  # a proper pair is fine



def test_an_enum_number_outside_the_enum_is_refused(thing_routes: RouteTable, divisions: RouteTable) -> None:
    """A filter given as a number the enum does not have used to reach the service as if unset (a
    list then answered every record, unfiltered); the known numbers stay accepted."""
    assert build(divisions, "GET", "/v1/divisions", [("level", "3")]).level == 3
    with pytest.raises(Problem) as query:
        build(divisions, "GET", "/v1/divisions", [("level", "99")])
    assert "DIVISION_LEVEL_TOWNSHIP" in violations(query)["level"]
    with pytest.raises(Problem) as body:
        build(thing_routes, "PATCH", "/v1/rooms/r1/things/t1", body={"color": 7, "tags": []})
    assert set(violations(body)) == {"thing.color"}
    assert build(thing_routes, "PATCH", "/v1/rooms/r1/things/t1", body={"color": 2}).thing.color == 2
