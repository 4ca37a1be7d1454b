"""Jurisdiction (design.md §5): staff act only on records under their office's division code.

The method's role is checked by the caller interceptor; this is the record-level check after it.
"""
from __future__ import annotations

import re

from servicekit import context
from servicekit.errors import invalid, permission_denied

# A division code or a prefix of one (GB/T 2260 + NBS): 2, 4 or 6 digits, then 3 and 3 more.
_PREFIX = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{3}(?:[0-9]{3})?)?)?)?")


def require_jurisdiction(division_code: str, label: str = "") -> None:
    """Refuse unless the caller may act on records of `division_code`."""
    caller = context.current().caller
    if not caller.may_act_in(division_code):
        raise permission_denied("OUT_OF_JURISDICTION", f"{label}{division_code} 不在您的管辖范围内",
                                office_code=division_code, jurisdiction=caller.jurisdiction)


def visible_prefix(requested: str, label: str = "") -> str:
    """The division prefix a list or report may cover: the request's, which must lie inside the
    caller's jurisdiction, or the jurisdiction itself when the request names none."""
    if not requested:
        return context.current().caller.jurisdiction
    if not _PREFIX.fullmatch(requested):  # "abc" would list nothing, as if the office had no records
        raise invalid("INVALID_OFFICE_CODE", f"{label}代码应为2、4、6、9或12位数字的区划代码或其前缀（如 421281）",
                      "office_code")
    require_jurisdiction(requested, label)
    return requested
