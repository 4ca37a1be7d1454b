"""The annual report's figures, counted from the records for a period and an office prefix."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Timestamps count on the bureau's calendar day.
_DAY = "((({col}) AT TIME ZONE 'Asia/Shanghai')::date BETWEEN :d_from AND :d_to)"
# A marriage record of the office (prefix), or an archive record the office holds: archives carry the
# office codes of their day (422302 蒲圻市 until 1998) that no current office has, and the bureau that
# imported them — its jurisdiction on the import — acts on them and corrects them (as ListMarriages
# lists them, marriage.app.access).
_HELD = "imports.id FROM imports WHERE imports.jurisdiction LIKE :office"
_OF_OFFICE = f"({{m}}office_code LIKE :office OR ({{m}}historical AND {{m}}import_id IN (SELECT {_HELD})))"

_COUNTS = f"""
SELECT
  (SELECT count(*) FROM marriages
     WHERE NOT historical AND register_date BETWEEN :d_from AND :d_to AND office_code LIKE :office)
     AS marriages_registered,
  (SELECT count(*) FROM marriages
     WHERE NOT historical AND cohabitation_start_date IS NOT NULL AND register_date BETWEEN :d_from AND :d_to
       AND office_code LIKE :office) AS marriages_retroactive,
  (SELECT count(*) FROM divorce_applications
     WHERE outcome = 'DIVORCED' AND closed_on BETWEEN :d_from AND :d_to AND office_code LIKE :office)
     AS divorces_registered,
  (SELECT count(*) FROM marriages
     WHERE end_reason = 'COURT_DIVORCE' AND end_date BETWEEN :d_from AND :d_to AND {_OF_OFFICE.format(m="")})
     AS court_divorces,
  -- Judgments of void or annulled marriages (rules.md §1.7) by the judgment's date, as court divorces
  -- count by the date the judgment took effect: the period the court decided in, whenever the
  -- registry came to record it (a late record moves an earlier period's figure, as a court divorce does).
  (SELECT count(*) FROM marriages
     WHERE annulment_date BETWEEN :d_from AND :d_to AND {_OF_OFFICE.format(m="")})
     AS court_annulments,
  (SELECT count(*) FROM certificates
     WHERE kind IN ('BJ', 'BL') AND issue_date BETWEEN :d_from AND :d_to AND office_code LIKE :office)
     AS certificates_reissued,
  (SELECT count(*) FROM certificates
     WHERE kind = 'ZM' AND issue_date BETWEEN :d_from AND :d_to AND office_code LIKE :office)
     AS record_certificates,
  (SELECT count(*) FROM divorce_applications
     WHERE accepted_on BETWEEN :d_from AND :d_to AND office_code LIKE :office) AS divorce_applications,
  (SELECT count(*) FROM divorce_applications
     WHERE outcome = 'WITHDRAWN' AND closed_on BETWEEN :d_from AND :d_to AND office_code LIKE :office)
     AS divorce_withdrawn,
  (SELECT count(*) FROM divorce_applications
     WHERE outcome = 'DEEMED_WITHDRAWN' AND closed_on BETWEEN :d_from AND :d_to AND office_code LIKE :office)
     AS divorce_deemed_withdrawn,
  (SELECT count(*) FROM divorce_applications
     WHERE outcome = 'REFUSED' AND closed_on BETWEEN :d_from AND :d_to AND office_code LIKE :office)
     AS divorce_refused,
  (SELECT count(*) FROM counseling_cases
     WHERE received_on BETWEEN :d_from AND :d_to AND office_code LIKE :office) AS counseling_received,
  (SELECT count(*) FROM counseling_cases
     WHERE outcome = 'RECONCILED' AND closed_on BETWEEN :d_from AND :d_to AND office_code LIKE :office)
     AS counseling_reconciled,
  -- Cases where counseling met domestic violence / suspected trafficking: a concern of the kind
  -- recorded in the period (rules.md §1.9); a case with two of one kind counts once.
  (SELECT count(DISTINCT k.case_id) FROM counseling_concerns k JOIN counseling_cases c ON c.id = k.case_id
     WHERE k.kind = 'DOMESTIC_VIOLENCE' AND k.noted_on BETWEEN :d_from AND :d_to AND c.office_code LIKE :office)
     AS counseling_domestic_violence,
  (SELECT count(DISTINCT k.case_id) FROM counseling_concerns k JOIN counseling_cases c ON c.id = k.case_id
     WHERE k.kind = 'TRAFFICKING_SUSPECTED' AND k.noted_on BETWEEN :d_from AND :d_to AND c.office_code LIKE :office)
     AS counseling_trafficking_suspected,
  -- On the day its import completed, by the service's clock (the rows are written in bulk, so their
  -- created_at is the database's time).
  (SELECT count(*) FROM marriages m JOIN imports i ON i.id = m.import_id
     WHERE m.historical AND {_DAY.format(col="i.completed_at")}
       AND (m.office_code LIKE :office OR i.jurisdiction LIKE :office)) AS historical_imported
"""

# Over every record registered in the period (historical ones by their registration date):
# compliant = no open defect; archived = both parties' ID, name and birth date on record.
_QUALITY = f"""
SELECT
  count(*) AS records,
  count(*) FILTER (WHERE NOT EXISTS (
      SELECT 1 FROM import_defects d
      WHERE d.marriage_id = m.id AND d.resolved_at IS NULL AND NOT d.informational)) AS compliant,
  count(*) FILTER (WHERE NOT EXISTS (
      SELECT 1 FROM marriage_parties p
      WHERE p.marriage_id = m.id AND (p.id_hash IS NULL OR p.name = '' OR p.birth_date IS NULL))
    AND (SELECT count(*) FROM marriage_parties p WHERE p.marriage_id = m.id) = 2) AS archived
FROM marriages m
WHERE m.register_date BETWEEN :d_from AND :d_to AND {_OF_OFFICE.format(m="m.")}
"""

# Every approved correction of the office's archives: of a divorce row, or of a row still without a
# usable date, too (no marriage record of its own).
_CORRECTIONS = f"""
SELECT count(*) FROM corrections c JOIN imports i ON i.id = c.import_id
  LEFT JOIN marriages m ON m.id = c.marriage_id
WHERE c.state = 'APPROVED' AND {_DAY.format(col="c.decided_at")}
  AND (i.jurisdiction LIKE :office OR m.office_code LIKE :office)
"""


@dataclass(frozen=True)
class Figures:
    counts: dict[str, int]
    corrections_approved: int
    records: int
    compliant: int
    archived: int


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def figures(session: AsyncSession, office_prefix: str, d_from: dt.date, d_to: dt.date) -> Figures:
    params = {"office": _like_prefix(office_prefix), "d_from": d_from, "d_to": d_to}
    counts = dict((await session.execute(text(_COUNTS), params)).mappings().one())
    quality = (await session.execute(text(_QUALITY), params)).mappings().one()
    corrections = (await session.execute(text(_CORRECTIONS), params)).scalar_one()
    return Figures({k: int(v) for k, v in counts.items()}, int(corrections), int(quality["records"]),
                   int(quality["compliant"]), int(quality["archived"]))
