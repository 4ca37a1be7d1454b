"""The people of the demo: plausible names for their generation and resident ID numbers that are
valid (GB 11643 check digit), Hubei-issued, and never handed out twice in one demo."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import NamedTuple

from servicekit.identifiers import resident_id_check_digit

# Common surnames of 咸宁/赤壁, most frequent first (drawn with a falling weight).
SURNAMES = ("刘王陈李张周胡余黄吴徐杨朱魏熊程邓何彭沈汪万雷向龚喻饶葛聂孙马郭高林罗郑梁谢宋唐许韩冯曹"
            "曾肖田董袁潘蒋蔡杜叶苏吕丁任姚卢姜钟谭陆范金石廖贾夏付方邹秦邱江汤")
_GIVEN: dict[tuple[str, int], tuple[str, ...]] = {  # (sex, born from year) → given names of that generation
    ("M", 1990): ("浩", "宇", "杰", "磊", "鹏", "俊杰", "浩然", "子豪", "宇航", "博文", "志豪", "文杰", "家豪", "晨",
                  "凯", "帅", "鑫", "亮", "超", "一鸣", "天佑", "梓轩", "思远", "嘉伟"),
    ("F", 1990): ("婷", "雪", "欣怡", "梦瑶", "雨婷", "佳怡", "思雨", "诗琪", "倩", "颖", "琳", "晶晶", "慧敏", "梦婷",
                  "丹", "瑶", "佳", "玉洁", "若曦", "雨欣", "心怡", "紫涵", "晓雯", "静怡"),
    ("M", 1970): ("伟", "强", "军", "斌", "勇", "刚", "涛", "明", "华", "志强", "建华", "海波", "国庆", "建军", "文斌",
                  "小兵", "俊", "峰", "红卫", "永刚", "立新", "卫平"),
    ("F", 1970): ("丽", "芳", "敏", "静", "燕", "娟", "艳", "霞", "玲", "红", "丽华", "丽娟", "小红", "海燕", "春梅",
                  "秀娟", "晓燕", "艳红", "琴", "莉", "美玲", "桂芳"),
    ("M", 0): ("建国", "建华", "国强", "国华", "志明", "德福", "长庚", "水生", "金生", "卫东", "卫国", "红兵", "新民",
               "春生", "永红", "德胜", "光明", "援朝"),
    ("F", 0): ("秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "秀珍", "冬梅", "红梅", "翠花", "菊香", "金凤", "桂香",
               "月娥", "美华", "淑珍", "玉珍", "翠兰"),
}
_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                    "157", "158", "159", "166", "177", "180", "181", "182", "183", "186", "187", "188", "189",
                    "199")


class Person(NamedTuple):
    id_number: str  # 18 characters, valid
    name: str
    sex: str  # "M" or "F"
    birth: dt.date

    def id_15(self) -> str:
        """The first-generation (1984–2004) 15-digit form: no century, no check character."""
        return self.id_number[:6] + self.id_number[8:17]


def birth_for_age(rng: random.Random, on: dt.date, age: int) -> dt.date:
    """A birth date giving exactly ``age`` full years on ``on``."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class PeopleBook:
    """Hands out people; an ID number is never issued twice, nor one reserved as a planted error."""

    def __init__(self, rng: random.Random, addresses: Sequence[tuple[str, int]]) -> None:
        self._rng = rng
        self._codes = [code for code, _ in addresses]
        self._weights = [weight for _, weight in addresses]
        self._taken: set[str] = set()

    def person(self, sex: str, birth: dt.date) -> Person:
        return Person(self._number(sex, birth), self.name(sex, birth.year), sex, birth)

    def of_age(self, sex: str, on: dt.date, age: int) -> Person:
        return self.person(sex, birth_for_age(self._rng, on, age))

    def name(self, sex: str, born: int) -> str:
        surname = SURNAMES[min(int(self._rng.expovariate(1 / 14)), len(SURNAMES) - 1)]
        era = 1990 if born >= 1990 else 1970 if born >= 1970 else 0
        return surname + self._rng.choice(_GIVEN[sex, era])

    def reserve(self, number: str) -> bool:
        """Claim a number nobody may be given (a planted wrong one); False when it is someone's."""
        if number in self._taken:
            return False
        self._taken.add(number)
        return True

    def mobile(self) -> str:
        return self._rng.choice(_MOBILE_PREFIXES) + f"{self._rng.randrange(10 ** 8):08d}"

    def _number(self, sex: str, birth: dt.date) -> str:
        address = self._rng.choices(self._codes, self._weights)[0]
        while True:
            # 顺序码: three digits, the last odd for men and even for women (000 is not issued).
            order = 2 * self._rng.randrange(0 if sex == "M" else 1, 500) + (1 if sex == "M" else 0)
            first17 = f"{address}{birth:%Y%m%d}{order:03d}"
            number = first17 + resident_id_check_digit(first17)
            if number not in self._taken:
                self._taken.add(number)
                return number


def adult_age(rng: random.Random, sex: str, minimum: int) -> int:
    """A first-marriage age: at least the legal minimum, most a few years above it."""
    spread = rng.gammavariate(2.2, 2.9 if sex == "M" else 2.7)
    return minimum + min(int(spread), 20)
