"""Jurisdiction for marriage records: the kit's check, worded for registry offices."""
from __future__ import annotations

import dataclasses

from servicekit import context, jurisdiction

from marriage.adapters.repository import IssuedCertificate, MarriageFilter, MarriageRecord, MarriageRepository

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


async def require_read_jurisdiction(repo: MarriageRepository, record: MarriageRecord) -> None:
    """Refuse to show a record (masked) unless the caller may act on it (``require_record_jurisdiction``)
    or an office in its jurisdiction handled it since (全国通办: it reissued a certificate on it, or
    accepted a divorce application on it), as ``ListMarriages`` lists only the records a caller may
    see. A record of another jurisdiction is not read by its id either."""
    caller = context.current().caller
    if caller.may_act_in(record.marriage.office_code) or await repo.handled_within(record.id, caller.jurisdiction):
        return
    await require_record_jurisdiction(repo, record)


async def require_print_jurisdiction(repo: MarriageRepository, record: MarriageRecord,
                                     issued: IssuedCertificate | None) -> None:
    """A print shows the parties' ID numbers in full: refuse unless the caller may act on the record
    (``require_record_jurisdiction``) or ``issued`` — the document printed, when it is one issued
    after registration — came from an office in the caller's jurisdiction (全国通办: any registry
    may reissue, and prints what it issued)."""
    if issued is not None and context.current().caller.may_act_in(issued.office_code):
        return
    await require_record_jurisdiction(repo, record)


async def record_office(repo: MarriageRepository, record: MarriageRecord) -> str:
    """The office whose jurisdiction a record's audit rows fall under: its registry office's, or
    for an archived (补录) record the jurisdiction of the bureau holding the archive — which acts on
    it and corrects it, where the office code of its day (422302 蒲圻市) is no current auditor's."""
    if record.historical:
        custody = await repo.custody_of(record.id)
        if custody is not None:
            return custody
    return record.marriage.office_code


async def visible_marriages(repo: MarriageRepository, flt: MarriageFilter, requested: str) -> MarriageFilter:
    """The filter of a list of records the caller may see, for the office (prefix) it asks for.

    Within the caller's jurisdiction: the records of that office and the archives held in custody
    there, whatever office codes they carry. An office outside it — a retired code such as 422302
    蒲圻市 — is listed only as far as the caller's own archives hold its records; otherwise refused
    as out of jurisdiction, as before."""
    caller = context.current().caller
    if not requested or caller.may_act_in(requested):
        prefix = visible_prefix(requested)
        custody = await repo.imports_in_custody(prefix) if prefix else ()
        return dataclasses.replace(flt, office_prefix=prefix, custody_imports=custody)
    custody = await repo.imports_in_custody(caller.jurisdiction)
    if not custody or not await repo.holds_records_of(requested, custody):
        require_jurisdiction(requested)  # refuses
    return dataclasses.replace(flt, office_prefix=requested, custody_imports=custody, custody_only=True)
