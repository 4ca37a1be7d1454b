"""Checks of identifiers as they enter a use case: registry codes and document numbers."""
from __future__ import annotations

import unicodedata

from servicekit.errors import invalid
from servicekit.identifiers import parse_resident_id, validate_division_code

from marriage.domain.parties import IdType


def office_code(raw: str, field_name: str = "office_code") -> str:
    """A registry's division code: six digits (county level or above), as on its certificates."""
    code = validate_division_code(raw, field_name)
    if len(code) != 6:
        raise invalid("INVALID_OFFICE_CODE", "婚姻登记机关代码应为6位县级及以上区划代码", field_name)
    return code


def canonical_number(id_type: IdType, raw: str, field_name: str = "id_number") -> str:
    """The stored form of a document number (resident IDs checked and upgraded to 18 characters)."""
    if id_type is IdType.RESIDENT_ID:
        return parse_resident_id(raw, field_name).number
    number = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if not number:
        raise invalid("INVALID_ID_NUMBER", "证件号码不能为空", field_name)
    return number
