"""GetStatistics: the annual report's figures for a period and an office prefix."""
from __future__ import annotations

import datetime as dt

from civic.marriage.v1 import resources_pb2 as pb
from servicekit.errors import invalid
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.statistics import figures
from marriage.app.access import visible_prefix


def _percent(part: int, whole: int) -> float:
    """A rate in percent, one decimal; a period without records has nothing wrong in it."""
    return round(100.0 * part / whole, 1) if whole else 100.0


async def statistics(session: AsyncSession, office_prefix: str, d_from: dt.date, d_to: dt.date) -> pb.Statistics:
    if not office_prefix.isdigit() and office_prefix:
        raise invalid("INVALID_OFFICE_CODE", "登记机关代码（前缀）只能由数字组成", "office_code")
    if d_from > d_to:
        raise invalid("INVALID_PERIOD", "统计期间的开始日期不能晚于结束日期", "from_date")
    prefix = visible_prefix(office_prefix)
    f = await figures(session, prefix, d_from, d_to)
    return pb.Statistics(
        office_code=prefix, from_date=d_from.isoformat(), to_date=d_to.isoformat(), **f.counts,
        corrections_approved=f.corrections_approved,
        registration_compliance_rate=_percent(f.compliant, f.records),
        archive_rate=_percent(f.archived, f.records))
