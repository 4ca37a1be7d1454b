"""Jurisdiction for marriage records: the kit's check, worded for registry offices."""
from __future__ import annotations

from servicekit import jurisdiction

OFFICE = "登记机关 "


def require_jurisdiction(office_code: str) -> None:
    jurisdiction.require_jurisdiction(office_code, OFFICE)


def visible_prefix(requested: str) -> str:
    return jurisdiction.visible_prefix(requested, OFFICE)
