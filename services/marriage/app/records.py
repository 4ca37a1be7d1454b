"""Loading a marriage record for a use case: every use case that acts on one starts here."""
from __future__ import annotations

from servicekit.errors import not_found

from marriage.adapters.repository import MarriageRecord, MarriageRepository


async def load(repo: MarriageRepository, marriage_id: str, *, for_update: bool = False) -> MarriageRecord:
    record = await repo.get(marriage_id, for_update=for_update)
    if record is None:
        raise not_found("MARRIAGE_NOT_FOUND", "婚姻登记记录不存在", marriage=f"marriages/{marriage_id}")
    return record
