"""Method permissions, declared once per RPC as the `(civic.api.v1.policy)` option in the protos."""
from __future__ import annotations

from dataclasses import dataclass

from civic.api.v1 import policy_pb2
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import MethodDescriptor

from servicekit.context import Caller


@dataclass(frozen=True)
class MethodPolicy:
    roles: frozenset[str]
    scopes: frozenset[str]
    read_only: bool
    registers: bool = False  # a registration act (rules.md §1.4): see policy.proto

    def allows(self, caller: Caller) -> bool:
        return bool(caller.roles & self.roles) or bool(caller.scopes & self.scopes)


def policy_of(method: MethodDescriptor) -> MethodPolicy:
    opt = method.GetOptions().Extensions[policy_pb2.policy]
    return MethodPolicy(frozenset(opt.roles), frozenset(opt.scopes), opt.read_only, opt.registers)


def method_descriptor(full_method: str) -> MethodDescriptor | None:
    """`/civic.placenames.v1.DivisionService/GetDivision` → its descriptor (None if not ours)."""
    try:
        service, method = full_method.lstrip("/").rsplit("/", 1)
        return descriptor_pool.Default().FindServiceByName(service).methods_by_name[method]
    except (KeyError, ValueError):
        return None
