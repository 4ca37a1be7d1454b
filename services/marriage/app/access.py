"""Jurisdiction for marriage records: the kit's check, worded for registry offices."""
from __future__ import annotations

from servicekit import context, jurisdiction

from marriage.adapters.repository import MarriageRecord, MarriageRepository

OFFICE = "登记机关 "


def require_jurisdiction(office_code: str) -> None:
    jurisdiction.require_jurisdiction(office_code, OFFICE)


def visible_prefix(requested: str) -> str:
    return jurisdiction.visible_prefix(requested, OFFICE)


async def require_record_jurisdiction(repo: MarriageRepository, record: MarriageRecord) -> None:
    """Refuse unless the caller may act on ``record``: within the jurisdiction of its registry
    office, or, for a historical record, of the bureau that imported it — its archive's custodian.
    Archives carry retired office codes (422302 蒲圻市 until 1998, now 421281 赤壁市) that no current
    jurisdiction covers; the bureau holding the archive acts on its records, as it corrects them."""
    caller = context.current().caller
    if record.historical and not caller.may_act_in(record.marriage.office_code):
        custody = await repo.custody_of(record.id)
        if custody is not None and caller.may_act_in(custody):
            return
    require_jurisdiction(record.marriage.office_code)
