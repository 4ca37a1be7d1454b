"""The services the gateway serves: every `civic.<svc>.vN` service of the generated code.

All generated modules under gen/python/civic are imported at start, so a new service or RPC is
served (and documented) without a change here.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import civic
from google.api import annotations_pb2  # noqa: F401 - registers the google.api.http option
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

_PACKAGE = re.compile(r"^civic\.(?P<svc>[a-z][a-z0-9_]*)\.v\d+[a-z0-9]*$")
_NO_DOC = "Missing associated documentation comment in .proto file."


@dataclass(frozen=True)
class ServiceInfo:
    """A service with what the generated code knows beyond its descriptor."""

    key: str  # the <svc> of civic.<svc>.v1: names the backend in CIVIC_BACKENDS
    descriptor: ServiceDescriptor
    docs: dict[str, str]  # "" → service description, method name → method description

    def doc(self, method: MethodDescriptor | None = None) -> str:
        return self.docs.get(method.name if method else "", "")


def service_key(service: ServiceDescriptor) -> str | None:
    match = _PACKAGE.match(service.file.package)
    return match.group("svc") if match else None


def _generated_modules() -> list[str]:
    """Module names of gen/python/civic/**/*_pb2(_grpc).py (namespace packages: no __init__)."""
    names = set()
    for root in map(Path, civic.__path__):
        for path in root.rglob("*_pb2*.py"):
            if path.stem.endswith(("_pb2", "_pb2_grpc")):
                names.add(".".join(("civic", *path.relative_to(root).with_suffix("").parts)))
    return sorted(names)


def _docs(module: object, service: ServiceDescriptor) -> dict[str, str]:
    """Proto comments, as the gRPC plugin copies them into the servicer's docstrings (the
    descriptors compiled into *_pb2 carry no source info)."""
    servicer = getattr(module, f"{service.name}Servicer", None)
    if servicer is None:
        return {}
    docs = {"": inspect.getdoc(servicer) or ""}
    for method in service.methods:
        docs[method.name] = inspect.getdoc(getattr(servicer, method.name, None)) or ""
    return {name: text.strip() for name, text in docs.items() if text and text.strip() != _NO_DOC}


def load_services() -> list[ServiceInfo]:
    """Import every generated module and return the Civic services they define, by full name."""
    modules = _generated_modules()
    services: list[ServiceInfo] = []
    for name in modules:
        if not name.endswith("_pb2"):
            continue
        pb2 = importlib.import_module(name)
        stubs = importlib.import_module(f"{name}_grpc") if f"{name}_grpc" in modules else None
        for service in pb2.DESCRIPTOR.services_by_name.values():
            key = service_key(service)
            if key is not None and key != "api":
                services.append(ServiceInfo(key, service, _docs(stubs, service) if stubs else {}))
    return sorted(services, key=lambda info: info.descriptor.full_name)
