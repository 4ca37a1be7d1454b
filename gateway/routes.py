"""The route table: one route per `google.api.http` binding of every served RPC."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from google.api import annotations_pb2, http_pb2
from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message
from servicekit.policy import MethodPolicy, policy_of

from gateway.accounts.roles import ROLES, SCOPES
from gateway.descriptors import ServiceInfo
from gateway.templates import PathTemplate, TemplateError, parse_template

_VERBS = ("get", "put", "post", "delete", "patch")


class RouteError(ValueError):
    """An annotation the gateway cannot serve (a mistake in a proto, found at start)."""


@dataclass(frozen=True)
class Route:
    service: ServiceInfo
    method: MethodDescriptor
    http_method: str
    template: PathTemplate
    body: str  # "" (no body), "*" (the whole request) or a top-level field name
    response_body: str
    request_class: type[Message]
    response_class: type[Message]
    policy: MethodPolicy

    @property
    def operation_id(self) -> str:
        return f"{self.service.descriptor.name}.{self.method.name}"

    @property
    def full_method(self) -> str:
        return f"/{self.service.descriptor.full_name}/{self.method.name}"

    @property
    def client_streaming(self) -> bool:
        return bool(self.method.client_streaming)

    @property
    def label(self) -> str:
        """The route in logs and metrics: the template, never the concrete path (ids stay out)."""
        return self.template.source

    @property
    def body_field(self) -> FieldDescriptor | None:
        if self.body in ("", "*"):
            return None
        return self.method.input_type.fields_by_name[self.body]

    def bound_fields(self) -> set[tuple[str, ...]]:
        """Field paths filled from the path or the body: everything else may come from the query."""
        bound = {v.field_path for v in self.template.variables}
        if self.body not in ("", "*"):
            bound.add((self.body,))
        return bound


class NoRoute(LookupError):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__("no route")
        self.allowed = allowed  # HTTP methods that exist for the path (405 when not empty)


class RouteTable:
    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = sorted(
            routes, key=lambda r: (r.template.specificity(), r.template.source), reverse=True
        )
        self._by_method: dict[str, list[Route]] = {}
        seen: dict[tuple[str, str], Route] = {}
        for route in self.routes:
            key = (route.http_method, route.template.source)
            if key in seen:
                first = seen[key].operation_id
                raise RouteError(
                    f"{route.http_method} {route.label} is bound by {first} and {route.operation_id}"
                )
            seen[key] = route
            self._by_method.setdefault(route.http_method, []).append(route)

    @classmethod
    def from_services(cls, services: Iterable[ServiceInfo]) -> RouteTable:
        return cls(
            route
            for info in services
            for method in info.descriptor.methods
            for route in routes_of(info, method)
        )

    def for_callers(self) -> RouteTable:
        """The routes an account or an exchange client may be allowed: what the JSON API serves and
        documents. Not VerifyRecord (role public_verifier): the /verify page calls it on its own."""
        return RouteTable(r for r in self.routes
                          if r.policy.roles & ROLES.keys() or r.policy.scopes & SCOPES.keys())

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    def __len__(self) -> int:
        return len(self.routes)

    def match(self, http_method: str, raw_path: str) -> tuple[Route, dict[tuple[str, ...], str]]:
        for route in self._by_method.get(http_method, ()):
            values = route.template.match(raw_path)
            if values is not None:
                return route, values
        allowed = [
            m
            for m, routes in self._by_method.items()
            if m != http_method and any(r.template.match(raw_path) is not None for r in routes)
        ]
        raise NoRoute(sorted(allowed))


def http_rule(method: MethodDescriptor) -> http_pb2.HttpRule | None:
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return None
    return options.Extensions[annotations_pb2.http]


def routes_of(info: ServiceInfo, method: MethodDescriptor) -> list[Route]:
    """The routes of one RPC: its rule and additional bindings. Server-streaming RPCs have no JSON
    mapping here and are not served."""
    rule = http_rule(method)
    if rule is None or method.server_streaming:
        return []
    request_class = message_factory.GetMessageClass(method.input_type)
    response_class = message_factory.GetMessageClass(method.output_type)
    policy = policy_of(method)
    routes = []
    for binding in (rule, *rule.additional_bindings):
        http_method, path = _verb_and_path(binding, method)
        try:
            template = parse_template(path)
        except TemplateError as exc:
            raise RouteError(f"{method.full_name}: {exc}") from exc
        route = Route(
            info,
            method,
            http_method,
            template,
            binding.body,
            binding.response_body,
            request_class,
            response_class,
            policy,
        )
        _check(route)
        routes.append(route)
    return routes


def _verb_and_path(rule: http_pb2.HttpRule, method: MethodDescriptor) -> tuple[str, str]:
    pattern = rule.WhichOneof("pattern")
    if pattern is None:
        raise RouteError(f"{method.full_name}: google.api.http has no path")
    if pattern == "custom":
        return rule.custom.kind.upper(), rule.custom.path
    assert pattern in _VERBS
    return pattern.upper(), getattr(rule, pattern)


def resolve_field(message: Descriptor, path: tuple[str, ...]) -> list[FieldDescriptor]:
    """The chain of fields a dotted path names, outermost first; KeyError when one is missing."""
    chain = []
    current = message
    for index, name in enumerate(path):
        if current is None:
            raise KeyError(".".join(path))
        found = current.fields_by_name.get(name)
        if found is None:
            raise KeyError(".".join(path[: index + 1]))
        chain.append(found)
        current = found.message_type if found.type == FieldDescriptor.TYPE_MESSAGE else None
    return chain


def _check(route: Route) -> None:
    name = route.method.full_name
    request = route.method.input_type
    for variable in route.template.variables:
        try:
            chain = resolve_field(request, variable.field_path)
        except KeyError as exc:
            raise RouteError(f"{name}: path variable {exc.args[0]} is not a field of {request.name}") from exc
        leaf = chain[-1]
        if leaf.type == FieldDescriptor.TYPE_MESSAGE or leaf.is_repeated:
            raise RouteError(f"{name}: path variable {leaf.name} must be a singular scalar field")
    if route.body not in ("", "*") and route.body not in request.fields_by_name:
        raise RouteError(f"{name}: body field {route.body} is not a field of {request.name}")
    if route.response_body and route.response_body not in route.method.output_type.fields_by_name:
        raise RouteError(f"{name}: response_body {route.response_body} is not a field of the response")
    if route.client_streaming and route.body != "*":
        raise RouteError(f'{name}: a client-streaming RPC needs body "*" (each message is one body item)')
