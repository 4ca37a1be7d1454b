"""Loads and saves marriage records, their parties, the current-spouse claims and certificate serials.

ID numbers are stored three ways: a keyed hash for look-ups and the current-spouse key, an encrypted
copy, and the masked form for display. Loaded records carry the decrypted number in the domain
`Party` (the domain compares parties by number); everything shown or logged uses the mask.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from servicekit.db import driver_connection
from servicekit.paging import Keyset, Seek
from servicekit.pii import PiiCipher, mask_id
from sqlalchemy import Select, delete, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters import tables as t
from marriage.adapters.import_tables import import_defects, imports
from marriage.domain.applicants import ReissueApplicant
from marriage.domain.certificates import CertificateKind
from marriage.domain.marriages import Annulment, AnnulmentGround, AnnulmentKind, Marriage, MarriageState
from marriage.domain.parties import IdType, Party
from marriage.domain.proofs import NoSpouseProof, NoSpouseProofKind
from marriage.domain.retroactive import Cohabitation


def party_hash(cipher: PiiCipher, number: str) -> bytes:
    """The look-up key of a person: keyed hash of the canonical document number."""
    return cipher.digest(number)


@dataclass
class MarriageRecord:
    """A marriage as stored: the domain object plus what only the record keeps."""

    marriage: Marriage
    id_masks: tuple[str, str]
    party_hashes: tuple[bytes | None, bytes | None]
    end_reason: str = ""
    end_reference: str = ""
    historical: bool = False
    reissue_count: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    defects: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.marriage.id

    def position_of(self, key: str) -> int:
        return self.marriage.party_keys.index(key)


@dataclass(frozen=True)
class IssuedCertificate:
    """A document handed out on a record after its registration (divorce, replacement, record certificate)."""

    kind: str
    number: str
    office_code: str
    issue_date: dt.date
    marriage_id: str = ""


@dataclass(frozen=True)
class MarriageFilter:
    office_prefix: str = ""
    state: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    party_name: str = ""
    # Historical records of these imports — the archives in the caller's custody — are listed beside
    # those of the office prefix, or, with ``custody_only``, they alone (of the office prefix).
    custody_imports: tuple[uuid.UUID, ...] = ()
    custody_only: bool = False


# Newest registration first (ListMarriages); ix_marriages_register_date_id, read backwards, serves it.
MARRIAGE_LIST = Keyset("marriages", t.marriages.c.register_date.desc(), t.marriages.c.id.desc())


def _party_from_row(row, cipher: PiiCipher) -> Party:
    number = cipher.decrypt(row.id_enc) if row.id_enc is not None else ""
    try:
        id_type = IdType(row.id_type)
    except ValueError:
        id_type = IdType.RESIDENT_ID
    proof = (NoSpouseProof(NoSpouseProofKind(row.proof_kind), row.proof_issuer, row.proof_document, row.proof_date)
             if row.proof_kind else None)
    return Party(id_type, number, row.name, row.sex or None, row.birth_date, row.nationality,  # type: ignore[arg-type]
                 proof)


# The hot path's statements go straight to asyncpg on the transaction's connection (see
# servicekit.db.driver_connection): SQLAlchemy's building and compiling cost more than PostgreSQL.
_NEXT_SERIAL = f"""
INSERT INTO {t.SCHEMA}.certificate_serials AS s (kind, office_code, year, last_serial) VALUES ($1, $2, $3, 1)
ON CONFLICT (kind, office_code, year) DO UPDATE SET last_serial = s.last_serial + 1
RETURNING last_serial"""
# ORDER BY: claims in a fixed order, so two registrations claiming the same two people cannot deadlock.
_CLAIM = f"""
INSERT INTO {t.SCHEMA}.current_spouses (party_hash, marriage_id)
SELECT h, $2 FROM unnest($1::bytea[]) AS h ORDER BY h
ON CONFLICT DO NOTHING RETURNING party_hash"""
_ADD = f"""
WITH m AS (
  INSERT INTO {t.SCHEMA}.marriages (id, certificate_number, office_code, register_date, state, created_at, updated_at,
                                   cohabitation_start_date, effective_date)
  VALUES ($1, $2, $3, $4, $5, $6, $6, $20, $21))
INSERT INTO {t.SCHEMA}.marriage_parties
  (marriage_id, position, id_type, id_hash, id_enc, id_masked, name, sex, birth_date, nationality,
   proof_kind, proof_issuer, proof_document, proof_date)
SELECT $1, * FROM unnest($7::smallint[], $8::text[], $9::bytea[], $10::bytea[], $11::text[], $12::text[],
                         $13::text[], $14::date[], $15::text[], $16::text[], $17::text[], $18::text[], $19::date[])"""


def _proof_columns(parties: Sequence[Party]) -> tuple[list, list, list, list]:
    """The parties' no-spouse proofs as _ADD's four arrays (NULLs for a party without one)."""
    proofs = [p.no_spouse_proof for p in parties]
    return ([str(x.kind) if x else None for x in proofs], [x.issuer if x else None for x in proofs],
            [x.document_number if x else None for x in proofs], [x.issue_date if x else None for x in proofs])


def _cohabitation_columns(cohabitation: Cohabitation | None) -> tuple[dt.date | None, dt.date | None]:
    return (cohabitation.since, cohabitation.effective) if cohabitation else (None, None)


async def next_serial(session: AsyncSession, kind: str, office_code: str, year: int) -> int:
    """The next serial of (kind, office, year), inside the caller's transaction.

    The row lock is held until commit, so serials are handed out one at a time and a rollback
    gives the number back: no gaps."""
    return await (await driver_connection(session)).fetchval(_NEXT_SERIAL, kind, office_code, year)


class MarriageRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self.session = session
        self.cipher = cipher

    def hash_of(self, party: Party) -> bytes:
        return party_hash(self.cipher, party.id_number)

    # --- current spouses -------------------------------------------------------------------------

    async def claim_current(self, marriage_id: str, hashes: Sequence[bytes]) -> set[bytes]:
        """Claim the parties as currently married; returns the hashes another marriage already holds.

        A concurrent claim on the same person waits for the other transaction, then finds the row."""
        claimed = await (await driver_connection(self.session)).fetch(_CLAIM, list(hashes), uuid.UUID(marriage_id))
        return set(hashes) - {r["party_hash"] for r in claimed}

    async def release_current(self, marriage_id: str) -> None:
        await self.session.execute(
            delete(t.current_spouses).where(t.current_spouses.c.marriage_id == uuid.UUID(marriage_id)))

    # --- records ---------------------------------------------------------------------------------

    async def add(self, marriage: Marriage, now: dt.datetime) -> MarriageRecord:
        parties = marriage.parties
        masks = tuple(mask_id(p.id_number) for p in parties)
        hashes = tuple(self.hash_of(p) for p in parties)
        await (await driver_connection(self.session)).execute(
            _ADD, uuid.UUID(marriage.id), marriage.certificate_number, marriage.office_code, marriage.register_date,
            str(marriage.state), now, list(range(len(parties))), [str(p.id_type) for p in parties], list(hashes),
            [self.cipher.encrypt(p.id_number) for p in parties], list(masks), [p.name for p in parties],
            [p.sex or "" for p in parties], [p.birth_date for p in parties], [p.nationality for p in parties],
            *_proof_columns(parties), *_cohabitation_columns(marriage.cohabitation))
        return MarriageRecord(marriage, masks, hashes, created_at=now, updated_at=now)  # type: ignore[arg-type]

    async def get(self, marriage_id: str, *, for_update: bool = False) -> MarriageRecord | None:
        query = select(t.marriages).where(t.marriages.c.id == uuid.UUID(marriage_id))
        rows = (await self.session.execute(query.with_for_update() if for_update else query)).all()
        found = await self._records(rows)
        return found[0] if found else None

    async def get_many(self, marriage_ids: Iterable[str]) -> dict[str, MarriageRecord]:
        ids = [uuid.UUID(i) for i in set(marriage_ids)]
        if not ids:
            return {}
        rows = (await self.session.execute(select(t.marriages).where(t.marriages.c.id.in_(ids)))).all()
        return {r.id: r for r in await self._records(rows)}

    async def current_of(self, hash_: bytes, *, for_update: bool = False) -> MarriageRecord | None:
        """The person's REGISTERED marriage, if any.

        Locking, the marriage row is read as it is once this transaction holds it; but PostgreSQL
        does not check the join again then, so a claim that a transaction ending the marriage (a
        divorce, another death, a revocation) deleted while this one waited still yields the
        marriage — now ended. Such a marriage is no longer the person's current one."""
        query = select(t.marriages).join(t.current_spouses, t.current_spouses.c.marriage_id == t.marriages.c.id) \
            .where(t.current_spouses.c.party_hash == hash_)
        rows = (await self.session.execute(query.with_for_update(of=t.marriages) if for_update else query)).all()
        found = [r for r in await self._records(rows) if r.marriage.state is MarriageState.REGISTERED]
        return found[0] if found else None

    async def records_of(self, hash_: bytes) -> list[MarriageRecord]:
        """Every record naming the person, newest registration first: the status look-up, the
        window's most frequent call — one statement on asyncpg (records, parties, open defects)."""
        conn = await driver_connection(self.session)
        return [self._record(_Fields(r), [_Fields(p) for p in r["party_rows"] or ()], list(r["open_defects"] or ()))
                for r in await conn.fetch(_RECORDS_OF, hash_)]

    async def list(self, flt: MarriageFilter, seek: Seek) -> tuple[list[MarriageRecord], str]:
        """One page of the records the filter finds (in ``MARRIAGE_LIST`` order) and the next page's token."""
        rows, token = await seek.fetch(self.session, _filtered(select(t.marriages), flt))
        return await self._records(rows), token

    async def imports_in_custody(self, prefix: str) -> tuple[uuid.UUID, ...]:
        """The imports whose archives a jurisdiction (or a division within it) holds: those its own
        bureau, or one within it, imported. A short list: one row per imported file."""
        return tuple((await self.session.execute(
            select(imports.c.id).where(imports.c.jurisdiction.startswith(prefix, autoescape=True))
            .order_by(imports.c.id))).scalars())

    async def holds_records_of(self, office_prefix: str, import_ids: Sequence[uuid.UUID]) -> bool:
        """Whether any record of an office (prefix) came in with one of these imports."""
        m = t.marriages.c
        return bool((await self.session.execute(select(
            select(m.id).where(m.office_code.startswith(office_prefix, autoescape=True),
                               m.import_id.in_(import_ids)).exists()))).scalar())

    async def custody_of(self, marriage_id: str) -> str | None:
        """The jurisdiction of the bureau that imported a historical record (None for others)."""
        return (await self.session.execute(
            select(imports.c.jurisdiction).join(t.marriages, t.marriages.c.import_id == imports.c.id)
            .where(t.marriages.c.id == uuid.UUID(marriage_id)))).scalar()

    async def save_state(self, record: MarriageRecord, now: dt.datetime) -> None:
        m = record.marriage
        deceased = record.position_of(m.deceased_key) if m.deceased_key else None
        await self.session.execute(update(t.marriages).where(t.marriages.c.id == uuid.UUID(m.id)).values(
            state=str(m.state), end_date=m.ended_on, end_reason=record.end_reason,
            end_reference=record.end_reference, deceased_position=deceased, reissue_count=record.reissue_count,
            updated_at=now, **_annulment_columns(m.annulment)))
        record.updated_at = now

    async def add_certificate(self, marriage_id: str, kind: str, number: str, office_code: str,
                              issue_date: dt.date, reason: str = "",
                              applicant: ReissueApplicant | None = None) -> None:
        """A document issued on the record; for a reissue, with who applied (the agent's number
        kept as the parties' are: keyed hash, encrypted, masked)."""
        await self.session.execute(insert(t.certificates).values(
            id=uuid.uuid4(), marriage_id=uuid.UUID(marriage_id), kind=kind, number=number,
            office_code=office_code, issue_date=issue_date, reason=reason, **self._application(applicant)))

    def _application(self, applicant: ReissueApplicant | None) -> dict:
        if applicant is None:
            return {}
        values = {"party_position": applicant.position, "by_proxy": applicant.by_proxy}
        agent = applicant.agent
        if agent is not None:
            values |= {"agent_id_type": str(agent.id_type), "agent_id_hash": party_hash(self.cipher, agent.id_number),
                       "agent_id_enc": self.cipher.encrypt(agent.id_number), "agent_id_masked": mask_id(agent.id_number),
                       "agent_name": agent.name, "power_of_attorney": agent.power_of_attorney}
        return values

    async def issued_certificate(self, marriage_id: str, number: str) -> IssuedCertificate | None:
        """A certificate issued on the record after registration under ``number`` (None: no such)."""
        return await _issued(self.session, t.certificates.c.marriage_id == uuid.UUID(marriage_id),
                             t.certificates.c.number == number)

    async def handled_within(self, marriage_id: str, prefix: str) -> bool:
        """Whether an office under ``prefix`` handled the record since its registration (全国通办): issued
        a document on it (a replacement, a record certificate, a divorce certificate) or accepted a
        divorce application on it."""
        record_id = uuid.UUID(marriage_id)
        c, d = t.certificates.c, t.divorce_applications.c
        issued = select(c.id).where(c.marriage_id == record_id, c.office_code.startswith(prefix, autoescape=True))
        accepted = select(d.id).where(d.marriage_id == record_id, d.office_code.startswith(prefix, autoescape=True))
        return bool((await self.session.execute(select(exists(issued) | exists(accepted)))).scalar())

    async def certificate_kinds(self, marriage_id: str) -> set[str]:
        rows = await self.session.execute(
            select(t.certificates.c.kind).where(t.certificates.c.marriage_id == uuid.UUID(marriage_id)))
        return {r.kind for r in rows}

    async def _records(self, rows: Sequence) -> list[MarriageRecord]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        parties: dict[uuid.UUID, list] = defaultdict(list)
        for p in await self.session.execute(
                select(t.marriage_parties).where(t.marriage_parties.c.marriage_id.in_(ids))
                .order_by(t.marriage_parties.c.marriage_id, t.marriage_parties.c.position)):
            parties[p.marriage_id].append(p)
        defects = await open_defects(self.session, [r.id for r in rows if r.historical])
        return [self._record(r, parties[r.id], defects.get(r.id, [])) for r in rows]

    def _record(self, row, party_rows: list, defects: list[str]) -> MarriageRecord:
        domain_parties = tuple(_party_from_row(p, self.cipher) for p in party_rows)
        marriage = Marriage(str(row.id), row.certificate_number, row.office_code, row.register_date,
                            domain_parties, MarriageState(row.state), row.end_date)  # type: ignore[arg-type]
        if row.deceased_position is not None and row.deceased_position < len(domain_parties):
            marriage.deceased_key = domain_parties[row.deceased_position].key
        if row.cohabitation_start_date is not None:
            marriage.cohabitation = Cohabitation(row.cohabitation_start_date, row.effective_date)
        if row.annulment_kind is not None:
            marriage.annulment = Annulment(
                AnnulmentKind(row.annulment_kind), AnnulmentGround(row.annulment_ground), row.annulment_court,
                row.annulment_document, row.annulment_date)
        return MarriageRecord(
            marriage, tuple(p.id_masked for p in party_rows), tuple(p.id_hash for p in party_rows),  # type: ignore[arg-type]
            row.end_reason, row.end_reference, row.historical, row.reissue_count, row.created_at, row.updated_at,
            defects)


def _annulment_columns(annulment: Annulment | None) -> dict:
    if annulment is None:
        return {"annulment_kind": None, "annulment_ground": None, "annulment_court": None,
                "annulment_document": None, "annulment_date": None}
    return {"annulment_kind": str(annulment.kind), "annulment_ground": str(annulment.ground),
            "annulment_court": annulment.court, "annulment_document": annulment.document_number,
            "annulment_date": annulment.judgment_date}


# The open defects as open_defects_query asks for them (NOT informational: the partial index).
_RECORDS_OF = f"""
SELECT m.*,
  (SELECT array_agg(p ORDER BY p.position) FROM {t.SCHEMA}.marriage_parties p WHERE p.marriage_id = m.id)
    AS party_rows,
  CASE WHEN m.historical THEN ARRAY(
    SELECT DISTINCT d.code FROM {t.SCHEMA}.import_defects d
    WHERE d.marriage_id = m.id AND d.resolved_at IS NULL AND NOT d.informational ORDER BY d.code)
  END AS open_defects
FROM {t.SCHEMA}.marriages m
WHERE m.id IN (SELECT marriage_id FROM {t.SCHEMA}.marriage_parties WHERE id_hash = $1)
ORDER BY m.register_date DESC, m.created_at DESC"""


class _Fields:
    """An asyncpg record read by attribute, as SQLAlchemy's rows are."""

    __slots__ = ("_record",)

    def __init__(self, record) -> None:  # noqa: ANN001 - asyncpg.Record
        self._record = record

    def __getattr__(self, name: str):  # noqa: ANN204
        try:
            return self._record[name]
        except KeyError:
            raise AttributeError(name) from None


def _filtered(query: Select, flt: MarriageFilter) -> Select:
    m = t.marriages.c
    office = m.office_code.startswith(flt.office_prefix, autoescape=True)
    if flt.custody_only:
        query = query.where(office, m.import_id.in_(flt.custody_imports))
    elif flt.custody_imports:
        query = query.where(or_(office, m.import_id.in_(flt.custody_imports)))
    elif flt.office_prefix:
        query = query.where(office)
    if flt.state:
        query = query.where(m.state == flt.state)
    if flt.date_from:
        query = query.where(m.register_date >= flt.date_from)
    if flt.date_to:
        query = query.where(m.register_date <= flt.date_to)
    if flt.party_name:
        named = select(t.marriage_parties.c.marriage_id).where(t.marriage_parties.c.name == flt.party_name)
        query = query.where(m.id.in_(named))
    return query


def open_defects_query(marriage_ids: Sequence[uuid.UUID]) -> Select:
    """Open defect codes of the given records. ``NOT informational`` (not ``IS false``): only that
    form lets PostgreSQL use the partial index ix_import_defects_open_by_marriage, whose predicate
    is written so; the other scanned every defect of every import on each status look-up."""
    d = import_defects
    return (select(d.c.marriage_id, d.c.code).distinct()
            .where(d.c.marriage_id.in_(list(marriage_ids)), d.c.resolved_at.is_(None), ~d.c.informational)
            .order_by(d.c.marriage_id, d.c.code))


async def open_defects(session: AsyncSession, marriage_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Open defect codes of historical records (瑕疵数据); records registered in Civic have none."""
    if not marriage_ids:
        return {}
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for row in await session.execute(open_defects_query(marriage_ids)):
        found[row.marriage_id].append(row.code)
    return found


async def _issued(session: AsyncSession, *where) -> IssuedCertificate | None:  # noqa: ANN002 - SQL conditions
    c = t.certificates.c
    row = (await session.execute(select(c.kind, c.number, c.office_code, c.issue_date, c.marriage_id)
                                 .where(*where))).first()
    return IssuedCertificate(row.kind, row.number, row.office_code, row.issue_date, str(row.marriage_id)) \
        if row else None


async def document_by_number(session: AsyncSession, number: str) -> IssuedCertificate | None:
    """The document a certificate number was issued as, with its record: a marriage certificate
    (J…) of a record registered in Civic, or a document issued on a record since (L…, BJ…, BL…,
    ZM…). None: no such. An archive's own J… numbers are not looked up: they may repeat, and their
    booklets were printed long before (a replacement is a BJ…); ``NOT historical`` also lets the
    look-up use the unique index uq_marriages_certificate_number."""
    issued = await _issued(session, t.certificates.c.number == number)
    if issued is not None:
        return issued
    m = t.marriages.c
    row = (await session.execute(select(m.id, m.office_code, m.register_date).where(
        m.certificate_number == number, ~m.historical))).first()
    return IssuedCertificate(CertificateKind.MARRIAGE.value, number, row.office_code, row.register_date,
                             str(row.id)) if row else None


async def audit_count(session: AsyncSession, resource: str, action: str) -> int:
    audit = t.kit.audit_log
    return (await session.execute(select(func.count()).select_from(audit).where(
        audit.c.resource == resource, audit.c.action == action))).scalar_one()
