"""The registry a demo year is loaded for, where its people's ID numbers were issued, and the blank
certificates (空白证书) it holds."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marriage.app.appointments import UpsertOffice
from marriage.domain.blanks import BlankKind

# The blanks an office holds when its account of them begins, the first working day after the year:
# about half a year's printing of each kind (the year printed some 2,000 结婚证 and 1,100 离婚证
# before reissues), received as one range each.
DEMO_BLANKS = {BlankKind.MARRIAGE: 1_500, BlankKind.DIVORCE: 700}


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

    def blank_ranges(self) -> list[tuple[BlankKind, str, str]]:
        """(kind, first serial, last serial) of each range received: printed serials (印制号)
        starting with the office's code, so no two offices' ranges meet."""
        return [(kind, f"{self.code}{1:05d}", f"{self.code}{count:05d}")
                for kind, count in DEMO_BLANKS.items()]

    def upsert(self) -> UpsertOffice:
        """The office as the demo creates it when it does not exist yet (the seed's hours)."""
        return UpsertOffice(self.code, self.name, dt.time(8, 30), dt.time(17, 0), 40)


# 赤壁市婚姻登记处: mostly 赤壁 people, some from the rest of 咸宁 and from 武汉 and 荆州.
CHIBI = DemoOffice("421281", "赤壁市婚姻登记处", (
    ("421281", 72), ("421202", 6), ("421221", 5), ("421222", 2), ("421223", 3), ("421224", 2),
    ("420106", 3), ("420111", 3), ("420115", 2), ("421003", 2)))
