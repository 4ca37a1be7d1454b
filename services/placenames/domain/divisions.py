"""An administrative division and its history: created, renamed, merged, abolished.

Codes follow GB/T 2260 (six digits) and the NBS twelve-digit township/village codes. A retired code
is never reused; history is only appended, each change with an effective date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from servicekit.errors import already_exists, invalid, precondition
from servicekit.identifiers import division_level, parent_code, validate_division_code


class State(Enum):
    ACTIVE = "ACTIVE"
    MERGED = "MERGED"
    ABOLISHED = "ABOLISHED"


class ChangeKind(Enum):
    CREATED = "CREATED"
    RENAMED = "RENAMED"
    MERGED = "MERGED"
    ABOLISHED = "ABOLISHED"


LEVELS = ("province", "prefecture", "county", "township", "village")
MAX_NAME = 40


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    effective_date: dt.date
    name: str = ""
    successor_code: str = ""
    reason: str = ""


@dataclass
class Division:
    code: str
    level: str
    parent_code: str | None
    source: str
    history: list[Change] = field(default_factory=list)

    @property
    def created(self) -> dt.date:
        return self.history[0].effective_date

    @property
    def ended(self) -> Change | None:
        last = self.history[-1]
        return last if last.kind in (ChangeKind.MERGED, ChangeKind.ABOLISHED) else None

    @property
    def state(self) -> State:
        end = self.ended
        if end is None:
            return State.ACTIVE
        return State.MERGED if end.kind is ChangeKind.MERGED else State.ABOLISHED

    def name_on(self, day: dt.date) -> str:
        """The standard name in force on `day` (the first name before creation)."""
        named = [c for c in self.history if c.kind in (ChangeKind.CREATED, ChangeKind.RENAMED)]
        current = named[0].name
        for change in named:
            if change.effective_date <= day:
                current = change.name
        return current

    def in_force_on(self, day: dt.date) -> bool:
        end = self.ended
        return self.created <= day and (end is None or day < end.effective_date)

    def rename(self, new_name: str, effective: dt.date, reason: str) -> Change:
        self._require_active()
        name = check_name(new_name)
        self._require_after_last(effective)
        if name == self.name_on(effective):
            raise invalid("NAME_UNCHANGED", "新名称与现用名称相同", "new_display_name")
        return self._append(Change(ChangeKind.RENAMED, effective, name, reason=require_reason(reason)))

    def merge_into(self, successor: "Division", effective: dt.date, reason: str) -> Change:
        self._require_active()
        self._require_after_last(effective)
        if successor.code == self.code:
            raise invalid("INVALID_SUCCESSOR", "不能并入自身", "successor_code")
        if successor.state is not State.ACTIVE:
            raise precondition("SUCCESSOR_NOT_ACTIVE", f"承继区划 {successor.code} 已撤销或合并")
        if successor.level != self.level:
            raise invalid("INVALID_SUCCESSOR", "只能并入同级区划", "successor_code")
        return self._append(Change(ChangeKind.MERGED, effective, successor_code=successor.code,
                                   reason=require_reason(reason)))

    def abolish(self, effective: dt.date, reason: str) -> Change:
        self._require_active()
        self._require_after_last(effective)
        return self._append(Change(ChangeKind.ABOLISHED, effective, reason=require_reason(reason)))

    def _append(self, change: Change) -> Change:
        self.history.append(change)
        return change

    def _require_active(self) -> None:
        if self.state is not State.ACTIVE:
            raise precondition("DIVISION_RETIRED", f"区划 {self.code} 已{'合并' if self.state is State.MERGED else '撤销'}，不能再变更")

    def _require_after_last(self, effective: dt.date) -> None:
        if effective <= self.history[-1].effective_date:
            raise invalid("EFFECTIVE_DATE_ORDER", "生效日期必须晚于上一次变更的生效日期", "effective_date")


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise invalid("NAME_REQUIRED", "请填写区划名称", "display_name")
    if len(name) > MAX_NAME:
        raise invalid("NAME_TOO_LONG", f"区划名称不能超过 {MAX_NAME} 个字", "display_name")
    return name


def require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise invalid("REASON_REQUIRED", "请填写变更依据（批准文件）", "reason")
    return reason


def new_division(code: str, name: str, parent: Division | None, declared_parent: str, effective: dt.date,
                 source: str, reason: str, existing: Division | None) -> Division:
    """Validate and create a division. `existing` is any division ever recorded under the code."""
    code = validate_division_code(code)
    if existing is not None:
        if existing.state is State.ACTIVE:
            raise already_exists("DIVISION_EXISTS", f"区划代码 {code} 已存在")
        raise already_exists("CODE_RETIRED", f"区划代码 {code} 已停用，停用的代码不得重新使用")
    level = division_level(code)
    expected_parent = parent_code(code)
    if declared_parent and validate_division_code(declared_parent, "parent_code") != expected_parent:
        raise invalid("PARENT_MISMATCH", f"区划代码 {code} 的上级应为 {expected_parent}", "parent_code")
    if expected_parent is not None:
        if parent is None:
            raise precondition("PARENT_NOT_FOUND", f"上级区划 {expected_parent} 不存在")
        if not parent.in_force_on(effective):
            raise precondition("PARENT_NOT_ACTIVE", f"上级区划 {expected_parent} 在 {effective} 未生效")
    return Division(code=code, level=level, parent_code=expected_parent, source=source.strip(),
                    history=[Change(ChangeKind.CREATED, effective, check_name(name), reason=require_reason(reason))])


def parse_date(raw: str, field_name: str, default: dt.date) -> dt.date:
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise invalid("INVALID_DATE", f"日期格式应为 YYYY-MM-DD：{raw[:20]}", field_name) from None
