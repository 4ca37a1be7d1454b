"""Jurisdiction: staff act only on offices under their own division code (design.md §5).

The method's role is checked by the kit's interceptor; this is the record-level check after it."""
from __future__ import annotations

from servicekit import context
from servicekit.errors import permission_denied


def require_jurisdiction(office_code: str) -> None:
    caller = context.current().caller
    if not caller.may_act_in(office_code):
        raise permission_denied("OUT_OF_JURISDICTION", f"登记机关 {office_code} 不在您的管辖范围内",
                                office_code=office_code, jurisdiction=caller.jurisdiction)


def visible_prefix(requested: str) -> str:
    """The office prefix a list or report may cover: the request's, which must lie inside the
    caller's jurisdiction, or the jurisdiction itself when the request names none."""
    caller = context.current().caller
    if not requested:
        return caller.jurisdiction
    if not requested.startswith(caller.jurisdiction):
        raise permission_denied("OUT_OF_JURISDICTION", f"登记机关 {requested} 不在您的管辖范围内",
                                office_code=requested, jurisdiction=caller.jurisdiction)
    return requested
