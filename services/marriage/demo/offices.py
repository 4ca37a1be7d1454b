"""The registry a demo year is loaded for, and where its people's ID numbers were issued."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marriage.app.appointments import UpsertOffice


@dataclass(frozen=True)
class DemoOffice:
    code: str
    name: str
    # Counties of first registration of the office's people (GB/T 2260), with weights.
    addresses: tuple[tuple[str, int], ...]

    @classmethod
    def local(cls, code: str, name: str = "") -> DemoOffice:
        """An office whose people all hold ID numbers of its own county (e.g. a test's fresh code)."""
        return cls(code, name or f"演示婚姻登记处（{code}）", ((code, 1),))

    def upsert(self) -> UpsertOffice:
        """The office as the demo creates it when it does not exist yet (the seed's hours)."""
        return UpsertOffice(self.code, self.name, dt.time(8, 30), dt.time(17, 0), 40)


# 赤壁市婚姻登记处: mostly 赤壁 people, some from the rest of 咸宁 and from 武汉 and 荆州.
CHIBI = DemoOffice("421281", "赤壁市婚姻登记处", (
    ("421281", 72), ("421202", 6), ("421221", 5), ("421222", 2), ("421223", 3), ("421224", 2),
    ("420106", 3), ("420111", 3), ("420115", 2), ("421003", 2)))
