"""`google.api.http` path templates: parse, match a request path, render as an OpenAPI path.

Template = "/" Segments [ ":" Verb ]      Segment  = "*" | "**" | LITERAL | Variable
Variable = "{" FieldPath [ "=" Segments ] "}"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

_LITERAL = re.compile(r"^[A-Za-z0-9._~\-]+$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Segment:
    """A literal path segment, or a wildcard: "*" one segment, "**" the rest of the path."""

    text: str

    @property
    def is_wildcard(self) -> bool:
        return self.text in ("*", "**")

    def pattern(self) -> str:
        return {"*": "[^/]+", "**": ".+"}.get(self.text) or re.escape(self.text)


@dataclass(frozen=True)
class Variable:
    field_path: tuple[str, ...]  # proto field names, outermost first
    segments: tuple[Segment, ...]

    @property
    def single_segment(self) -> bool:
        return self.segments == (Segment("*"),)


Part = Segment | Variable


@dataclass(frozen=True)
class PathTemplate:
    source: str
    parts: tuple[Part, ...]
    verb: str = ""
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pieces = []
        for index, part in enumerate(self.parts):
            if isinstance(part, Variable):
                inner = "/".join(s.pattern() for s in part.segments)
                pieces.append(f"(?P<v{index}>{inner})")
            else:
                pieces.append(part.pattern())
        # The verb's colon as sent or percent-encoded (%3A): HTTP libraries that quote path segments
        # send /v1/maritalStatus%3Alookup, which is the same resource (RFC 3986 §6.2.2.2).
        verb = "(?::|%3[Aa])" + re.escape(self.verb) if self.verb else ""
        object.__setattr__(self, "_regex", re.compile("/" + "/".join(pieces) + verb))

    @property
    def variables(self) -> list[Variable]:
        return [p for p in self.parts if isinstance(p, Variable)]

    def match(self, raw_path: str) -> dict[tuple[str, ...], str] | None:
        """Field path → value for a request path (still percent-encoded), or None."""
        found = self._regex.fullmatch(raw_path)
        if found is None:
            return None
        return {
            part.field_path: unquote(found.group(f"v{index}"))
            for index, part in enumerate(self.parts)
            if isinstance(part, Variable)
        }

    def specificity(self) -> tuple[int, int, int]:
        """Sort key, most specific first: a verb, then more literal segments, then fewer `**`."""
        segments = [s for p in self.parts for s in (p.segments if isinstance(p, Variable) else (p,))]
        literals = sum(1 for s in segments if not s.is_wildcard)
        return (1 if self.verb else 0, literals, -sum(1 for s in segments if s.text == "**"))


def parse_template(source: str) -> PathTemplate:
    if not source.startswith("/"):
        raise TemplateError(f"path template must start with '/': {source!r}")
    body, verb = _split_verb(source[1:])
    parts: list[Part] = []
    for raw in _split_top_level(body):
        if raw.startswith("{"):
            parts.append(_variable(raw, source))
        else:
            parts.append(_segment(raw, source))
    seen = [v.field_path for v in parts if isinstance(v, Variable)]
    if len(seen) != len(set(seen)):
        raise TemplateError(f"a field is bound twice in {source!r}")
    return PathTemplate(source, tuple(parts), verb)


def _split_verb(body: str) -> tuple[str, str]:
    depth = 0
    last_slash = -1
    colon = -1
    for index, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch == "/":
            last_slash, colon = index, -1
        elif depth == 0 and ch == ":" and colon < 0 and index > last_slash:
            colon = index
    if colon < 0:
        return body, ""
    verb = body[colon + 1 :]
    if not _LITERAL.match(verb):
        raise TemplateError(f"bad custom verb {verb!r}")
    return body[:colon], verb


def _split_top_level(body: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for index, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise TemplateError(f"unbalanced braces in {body!r}")
        elif ch == "/" and depth == 0:
            pieces.append(body[start:index])
            start = index + 1
    if depth != 0:
        raise TemplateError(f"unbalanced braces in {body!r}")
    pieces.append(body[start:])
    return pieces


def _segment(raw: str, source: str) -> Segment:
    if raw in ("*", "**") or _LITERAL.match(raw):
        return Segment(raw)
    raise TemplateError(f"bad path segment {raw!r} in {source!r}")


def _variable(raw: str, source: str) -> Variable:
    if not raw.endswith("}"):
        raise TemplateError(f"bad variable {raw!r} in {source!r}")
    name, has_pattern, pattern = raw[1:-1].partition("=")
    if not _FIELD.match(name):
        raise TemplateError(f"bad field path {name!r} in {source!r}")
    segments = tuple(_segment(s, source) for s in pattern.split("/")) if has_pattern else (Segment("*"),)
    if any(s.text == "**" for s in segments[:-1]):
        raise TemplateError(f"'**' must be the last segment in {source!r}")
    return Variable(tuple(name.split(".")), segments)


def singular(word: str) -> str:
    """English plural → singular for collection names in resource paths ("divisions" → "division")."""
    for plural, single in (
        ("ies", "y"),
        ("sses", "ss"),
        ("uses", "us"),
        ("xes", "x"),
        ("ches", "ch"),
        ("shes", "sh"),
    ):
        if word.endswith(plural):
            return word[: -len(plural)] + single
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


@dataclass(frozen=True)
class PathParam:
    """A path parameter of the OpenAPI rendering of a template."""

    name: str
    variable: Variable | None  # the field it fills (whole, or one wildcard of a resource name)
    whole_field: bool  # the parameter is the field's whole value
    multi_segment: bool  # "**": may contain "/"


def openapi_path(
    template: PathTemplate, json_path: dict[tuple[str, ...], str]
) -> tuple[str, list[PathParam]]:
    """`/v1/{name=divisions/*}:rename` → `/v1/divisions/{divisionId}:rename` and its parameters.

    A resource-name variable is spelled out as literal collection segments with one parameter per
    wildcard, so that each parameter is one plain path segment (what OpenAPI tools can send);
    requests in that form match the template as they are.
    """
    rendered: list[str] = []
    params: list[PathParam] = []
    taken: set[str] = set()

    def unique(name: str) -> str:
        candidate, n = name, 2
        while candidate in taken:
            candidate, n = f"{name}{n}", n + 1
        taken.add(candidate)
        return candidate

    for part in template.parts:
        if isinstance(part, Segment):
            if part.is_wildcard:
                name = unique("segment")
                params.append(PathParam(name, None, False, part.text == "**"))
                rendered.append("{" + name + "}")
            else:
                rendered.append(part.text)
            continue
        field_name = json_path[part.field_path]
        if part.single_segment:
            name = unique(field_name)
            params.append(PathParam(name, part, True, False))
            rendered.append("{" + name + "}")
            continue
        previous = ""
        for segment in part.segments:
            if segment.is_wildcard:
                base = singular(previous) if previous else field_name.split(".")[-1]
                name = unique(base + "Id")
                params.append(PathParam(name, part, False, segment.text == "**"))
                rendered.append("{" + name + "}")
            else:
                rendered.append(segment.text)
                previous = segment.text
    verb = ":" + template.verb if template.verb else ""
    return "/" + "/".join(rendered) + verb, params
