"""Valid resident ID numbers for the marriage tests (a uniquely named module, importable from tests)."""
from __future__ import annotations

import datetime as dt

from servicekit.identifiers import resident_id_check_digit


def resident_id(birth: dt.date, sex: str, address: str = "421281", sequence: str = "01") -> str:
    """A valid 18-character resident ID: the 17th digit's parity gives the sex."""
    first17 = f"{address}{birth:%Y%m%d}{sequence}{1 if sex == 'M' else 2}"
    return first17 + resident_id_check_digit(first17)
