"""Route derivation from the google.api.http annotations: templates, matching, the route table."""

from __future__ import annotations

import pytest

from gateway.descriptors import load_services
from gateway.problems import Problem
from gateway.routes import NoRoute, RouteTable, http_rule
from gateway.templates import TemplateError, openapi_path, parse_template
from gateway.transcoding import build_request


def test_resource_name_variable_with_custom_verb() -> None:
    template = parse_template("/v1/{name=divisions/*}:rename")
    assert template.verb == "rename"
    assert [v.field_path for v in template.variables] == [("name",)]
    assert template.match("/v1/divisions/421281:rename") == {("name",): "divisions/421281"}
    assert template.match("/v1/divisions/421281%3Arename") == {("name",): "divisions/421281"}
    assert template.match("/v1/divisions/421281%3arename") == {("name",): "divisions/421281"}
    assert template.match("/v1/divisions/421281") is None
    assert template.match("/v1/divisions/421281:merge") is None
    assert template.match("/v1/divisions/42/12:rename") is None
    assert template.match("/v1/rooms/421281:rename") is None


def test_values_are_percent_decoded() -> None:
    template = parse_template("/v1/offices/{office_code}/specialDates")
    assert template.match("/v1/offices/%E8%B5%A4%E5%A3%81/specialDates") == {("office_code",): "赤壁"}


def test_nested_field_paths_and_multi_segment_patterns() -> None:
    template = parse_template("/v1/{thing.name=rooms/*/things/*}")
    assert template.match("/v1/rooms/s1/things/t9") == {("thing", "name"): "rooms/s1/things/t9"}
    assert template.match("/v1/rooms/s1/things") is None
    rest = parse_template("/files/{path=**}")
    assert rest.match("/files/a/b/c.txt") == {("path",): "a/b/c.txt"}


def test_literal_verb_on_a_collection() -> None:
    template = parse_template("/v1/marriages:register")
    assert template.verb == "register" and template.variables == []
    assert template.match("/v1/marriages:register") == {}
    assert template.match("/v1/marriages") is None


@pytest.mark.parametrize(
    "bad", ["v1/things", "/v1/{name", "/v1/{name=a/**/b}", "/v1/{na-me}", "/v1/{a}/{a}", "/v1/x:bad verb"]
)
def test_malformed_templates_are_refused(bad: str) -> None:
    with pytest.raises(TemplateError):
        parse_template(bad)


def test_openapi_rendering_spells_out_resource_names() -> None:
    path, params = openapi_path(parse_template("/v1/{name=divisions/*}:rename"), {("name",): "name"})
    assert path == "/v1/divisions/{divisionId}:rename"
    assert [(p.name, p.whole_field) for p in params] == [("divisionId", False)]
    path, params = openapi_path(
        parse_template("/v1/{thing.name=rooms/*/things/*}"), {("thing", "name"): "thing.name"}
    )
    assert path == "/v1/rooms/{roomId}/things/{thingId}"
    path, params = openapi_path(
        parse_template("/v1/offices/{office_code}/specialDates"), {("office_code",): "officeCode"}
    )
    assert path == "/v1/offices/{officeCode}/specialDates" and params[0].whole_field


def test_every_annotated_rpc_of_every_generated_service_is_routed() -> None:
    services = load_services()
    assert {"placenames", "marriage"} <= {s.key for s in services}
    table = RouteTable.from_services(services)
    annotated = {
        f"{s.descriptor.name}.{m.name}"
        for s in services
        for m in s.descriptor.methods
        if http_rule(m) is not None and not m.server_streaming
    }
    assert {r.operation_id for r in table} == annotated


def test_the_api_serves_what_an_account_or_a_client_may_call() -> None:
    table = RouteTable.from_services(load_services())
    served = {r.operation_id for r in table.for_callers()}
    # VerifyRecord's one role (public_verifier) is no account's or client's: the /verify page calls it.
    assert served == {r.operation_id for r in table} - {"MarriageService.VerifyRecord"}


def test_table_matches_method_and_path() -> None:
    table = RouteTable.from_services(load_services())
    route, values = table.match("POST", "/v1/divisions/421281:rename")
    assert route.operation_id == "DivisionService.RenameDivision" and route.body == "*"
    assert values == {("name",): "divisions/421281"}
    route, values = table.match("GET", "/v1/divisions/421281")
    assert route.operation_id == "DivisionService.GetDivision"
    route, _ = table.match("POST", "/v1/marriages:register")
    assert route.operation_id == "MarriageService.RegisterMarriage"
    route, _ = table.match("POST", "/v1/historicalImports")
    assert route.client_streaming
    with pytest.raises(NoRoute) as wrong_method:
        table.match("DELETE", "/v1/divisions")
    assert wrong_method.value.allowed == ["GET", "POST"]
    with pytest.raises(NoRoute) as nowhere:
        table.match("GET", "/v1/nothing-here")
    assert nowhere.value.allowed == []


def test_additional_bindings_and_nested_path_fields(things) -> None:
    table = RouteTable.from_services([things])
    patch, values = table.match("PATCH", "/v1/rooms/a/things/b")
    put, _ = table.match("PUT", "/v1/rooms/a/things/b")
    assert patch.operation_id == put.operation_id == "ThingService.UpdateThing"
    assert values == {("thing", "name"): "rooms/a/things/b"}
    assert patch.body == "thing" and patch.bound_fields() == {("thing", "name"), ("thing",)}
    count, _ = table.match("GET", "/v1/things:count")
    assert count.response_body == "count"


def test_the_work_calendar_is_read_by_year_with_an_office_as_a_query_parameter() -> None:
    table = RouteTable.from_services(load_services())
    route, values = table.match("GET", "/v1/workCalendar/2027")
    assert route.operation_id == "MarriageService.GetWorkCalendar" and route.body == ""
    assert values == {("year",): "2027"}
    assert route.policy.read_only and set(route.policy.roles) == {"marriage_registrar", "marriage_counselor",
                                                                  "supervisor"}
    request = build_request(route, values, [("officeCode", "421281")], None, "")
    assert (request.year, request.office_code) == (2027, "421281")
    with pytest.raises(Problem) as refused:
        build_request(route, {("year",): "二〇二七"}, [], None, "")
    assert [v.field for v in refused.value.violations] == ["year"]
