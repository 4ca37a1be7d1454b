"""Marriage use cases: register, end (court divorce, death), revoke, reissue, and look-ups.

Each mutating use case runs in the caller's unit of work, which also holds its audit rows and
outbox events, so the change, its audit and its event commit together or not at all.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from google.protobuf.message import Message
from servicekit.errors import DomainError, Violation, invalid, not_found, precondition
from servicekit.pii import PiiCipher, mask_id, mask_name, mask_text
from servicekit.uow import UnitOfWork
from servicekit.uuid7 import uuid7
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.repository import (
    IssuedCertificate,
    MarriageRecord,
    MarriageRepository,
    next_serial,
    party_hash,
)
from marriage.adapters.revocation import RevocationRepository
from marriage.app.access import (
    record_office,
    require_jurisdiction,
    require_print_jurisdiction,
    require_record_jurisdiction,
)
from marriage.app.appointments import require_designated, serve_appointment
from marriage.app.divorces import close_for_ended_marriage
from marriage.app.inputs import canonical_number, office_code
from marriage.app.messages import audit_view, event_marriage_pb
from marriage.app.records import load
from marriage.domain.applicants import (
    Agent,
    ReissueApplicant,
    applicant_position,
    checked_agent,
    proxy_given,
    require_applicant,
)
from marriage.domain.certificates import (
    CertificateKind,
    ReissueOutcome,
    format_certificate_number,
    reissue_kind,
    require_issued_here,
    require_printable,
)
from marriage.domain.eligibility import Declarations, check_marriage
from marriage.domain.marriages import NOT_A_MARRIAGE, Annulment, Marriage, MarriageState, RevokingAuthority
from marriage.domain.parties import IdType, Party, make_party
from marriage.domain.proofs import check_proofs, make_proof
from marriage.domain.retroactive import EarlierMarriage, effective_from
from marriage.domain.revocation import STATE_WORDS as REVOCATION_STATE_WORDS
from marriage.domain.status import MaritalStatus, PersonRecord, marital_status

RECORD_CERTIFICATE_KIND = "ZM"  # 婚姻登记记录证明: numbered like certificates, in its own series


@dataclass(frozen=True)
class ProofInput:
    """A no-spouse proof as typed at the window (domain.proofs)."""

    kind: str | None
    issuer: str
    document_number: str
    issue_date: dt.date | None


@dataclass(frozen=True)
class PartyInput:
    id_type: IdType
    id_number: str
    name: str
    nationality: str
    sex: str | None = None
    birth_date: dt.date | None = None
    no_spouse_proof: ProofInput | None = None


@dataclass(frozen=True)
class RegisterMarriage:
    office_code: str
    parties: tuple[PartyInput, ...]
    declarations: Declarations
    appointment_id: str | None = None
    cohabitation_since: dt.date | None = None  # 补办结婚登记: the declared start of living together


@dataclass(frozen=True)
class DeathNotice:
    id_type: IdType
    id_number: str
    death_date: dt.date
    certificate_number: str


@dataclass(frozen=True)
class ProxyInput:
    """An agent (代理人) applying for a reissue: the agent's document and name, and the notarized
    power of attorney's reference (公证书编号)."""

    id_type: IdType
    id_number: str
    name: str
    power_of_attorney: str


@dataclass(frozen=True)
class ReissueApplication:
    """Who applies for a reissue, as typed at the window: the party's document, and the agent when
    one applies for the party."""

    id_type: IdType
    id_number: str
    proxy: ProxyInput | None = None


@dataclass(frozen=True)
class Reissue:
    outcome: ReissueOutcome
    document_number: str
    note: str
    record: MarriageRecord


def _in_field(err: DomainError, prefix: str) -> DomainError:
    """The same error with its field violations placed under ``prefix`` (e.g. ``parties[1]``)."""
    return DomainError(err.reason, err.message, err.kind,
                       [Violation(f"{prefix}.{v.field}", v.description) for v in err.violations], err.metadata)


def _party(index: int, p: PartyInput) -> Party:
    try:
        party = make_party(p.id_type, p.id_number, p.name, p.nationality, p.sex, p.birth_date)
        if (proof := p.no_spouse_proof) is not None:
            party = replace(party, no_spouse_proof=make_proof(proof.kind, proof.issuer, proof.document_number,
                                                              proof.issue_date))
        return party
    except DomainError as err:
        raise _in_field(err, f"parties[{index}]") from None


def _not_in_future(day: dt.date, today: dt.date, field_name: str) -> None:
    if day > today:
        raise invalid("DATE_IN_FUTURE", "日期不能晚于今天", field_name)


# --- registration ------------------------------------------------------------------------------

async def register(uow: UnitOfWork, cipher: PiiCipher, cmd: RegisterMarriage) -> MarriageRecord:
    office = office_code(cmd.office_code)
    require_jurisdiction(office)
    if len(cmd.parties) != 2:
        raise invalid("TWO_PARTIES_REQUIRED", "结婚登记须有男女双方两名当事人", "parties")
    parties = tuple(_party(i, p) for i, p in enumerate(cmd.parties))
    await require_designated(uow.session, office, parties, "结婚登记")  # before the claims below
    today = uow.clock.today()
    check_proofs(parties, today)
    repo = MarriageRepository(uow.session, cipher)
    hashes = [repo.hash_of(p) for p in parties]
    marriage_id = str(uuid7())
    # The database decides who is married: claiming both parties as current spouses finds those
    # a committed marriage holds (waiting for a concurrent registration of the same person to end
    # first). The rules are checked against that; a refusal rolls the claims back with the rest.
    taken = await repo.claim_current(marriage_id, hashes)
    married = {p.key: await _holding(repo, h) for p, h in zip(parties, hashes) if h in taken}
    check_marriage(parties, cmd.declarations, today, married)

    ordered: tuple[Party, Party] = tuple(sorted(parties, key=lambda p: p.sex != "M"))  # type: ignore[assignment]
    if cmd.appointment_id:
        await serve_appointment(uow, cmd.appointment_id, office)
    # Last, so the office's serial row stays locked as briefly as possible.
    serial = await next_serial(uow.session, CertificateKind.MARRIAGE.value, office, today.year)
    number = format_certificate_number(CertificateKind.MARRIAGE, office, today.year, serial)
    marriage = Marriage.register(marriage_id, number, office, today, ordered, cmd.declarations, ())
    if cmd.cohabitation_since is not None:
        marriage.cohabitation = effective_from(cmd.cohabitation_since, today, ordered,
                                               await _earlier_marriages(repo, hashes, parties))
    record = await repo.add(marriage, uow.clock.now())
    uow.audit("marriage.register", f"marriages/{marriage_id}", office_code=office, after=audit_view(record))
    uow.emit("marriage_registered", events_pb2.MarriageRegistered(marriage=event_marriage_pb(record)),
             office_code=office)
    return record


async def _earlier_marriages(repo: MarriageRepository, hashes: Sequence[bytes],
                             parties: Sequence[Party]) -> list[EarlierMarriage]:
    """The parties' other marriages on record, for the effect of a 补办 registration: void and
    revoked records were never marriages (民法典 1054) and are left out."""
    return [EarlierMarriage(party.key, record.marriage.ended_on)
            for party, hash_ in zip(parties, hashes) for record in await repo.records_of(hash_)
            if record.marriage.state not in NOT_A_MARRIAGE]


async def _holding(repo: MarriageRepository, hash_: bytes) -> str:
    """The record that makes a party married, as a refusal names it to the window: its number and
    day, and — for an archive record with open defects (瑕疵数据: a wrong check digit may have linked
    it to the wrong person) — that it is to be verified against the paper file and corrected."""
    record = await repo.current_of(hash_)
    if record is None:  # ended since the claim was read: said without a record
        return ""
    m = record.marriage
    found = f"（{m.certificate_number or '无字号'}，{m.register_date.isoformat()} 登记"
    if record.historical and record.defects:
        found += "；该记录为补录的历史档案，存在待更正的瑕疵数据，请在婚姻状况查询中查看并核对纸质档案，如有误请提出更正"
    return found + "）"


# --- how a marriage ends -------------------------------------------------------------------------

def _marriage_ended(record: MarriageRecord) -> tuple[str, Message]:
    return "marriage_ended", events_pb2.MarriageEnded(marriage=event_marriage_pb(record))


async def _ended(uow: UnitOfWork, repo: MarriageRepository, record: MarriageRecord, action: str, before: dict,
                 event: tuple[str, Message], reason: str = "") -> None:
    """A marriage ended by a court, a death or a revocation: saved, its parties free, and a divorce
    application still open on it closed, each change with its audit row and event."""
    await repo.save_state(record, uow.clock.now())
    await repo.release_current(record.id)
    office = await record_office(repo, record)
    uow.audit(action, f"marriages/{record.id}", office_code=office, before=before, after=audit_view(record),
              reason=reason)
    uow.emit(*event, office_code=office)
    await close_for_ended_marriage(uow, record)


async def record_court_divorce(uow: UnitOfWork, cipher: PiiCipher, marriage_id: str, document_number: str,
                               court: str, effective: dt.date) -> MarriageRecord:
    repo = MarriageRepository(uow.session, cipher)
    record = await load(repo, marriage_id, for_update=True)
    await require_record_jurisdiction(repo, record)
    _not_in_future(effective, uow.clock.today(), "effective_date")
    before = audit_view(record)
    record.marriage.record_court_divorce(effective, document_number)
    record.end_reason = "COURT_DIVORCE"
    record.end_reference = " ".join(part for part in (court.strip(), document_number.strip()) if part)
    await _ended(uow, repo, record, "marriage.court_divorce", before, _marriage_ended(record))
    return record


async def record_court_annulment(uow: UnitOfWork, cipher: PiiCipher, marriage_id: str,
                                 judgment: Annulment) -> MarriageRecord:
    """A court's judgment that the marriage is void or annulled, annotated on the archive (rules.md
    §1.7). A current marriage ends with it (its parties free, a divorce application open on it
    terminated); one that already ended keeps its ending, with the judgment beside it. Either way
    the record is VOID and ``marriage_ended`` announces it with the record as it now stands."""
    repo = MarriageRepository(uow.session, cipher)
    record = await load(repo, marriage_id, for_update=True)
    await require_record_jurisdiction(repo, record)
    before = audit_view(record)
    judgment = Annulment(judgment.kind, judgment.ground, judgment.court.strip(),
                         judgment.document_number.strip(), judgment.judgment_date)
    if record.marriage.record_annulment(judgment, uow.clock.today()):
        record.end_reason = f"COURT_{judgment.kind}"
        record.end_reference = f"{judgment.court} {judgment.document_number}"
    await _ended(uow, repo, record, "marriage.court_annulment", before, _marriage_ended(record))
    return record


async def record_death(uow: UnitOfWork, cipher: PiiCipher, notice: DeathNotice) -> MarriageRecord | None:
    """End the deceased's current marriage. A notice for a death already recorded changes nothing
    and returns that marriage; ``None`` when the deceased had no marriage to end."""
    number = canonical_number(notice.id_type, notice.id_number)
    hash_ = party_hash(cipher, number)
    repo = MarriageRepository(uow.session, cipher)
    record = await repo.current_of(hash_, for_update=True)
    if record is None:
        return await _ended_by_death_of(repo, hash_)
    await require_record_jurisdiction(repo, record)
    _not_in_future(notice.death_date, uow.clock.today(), "death_date")
    before = audit_view(record)
    deceased = record.marriage.parties[record.party_hashes.index(hash_)]
    if record.marriage.end_by_death(deceased.key, notice.death_date):
        record.end_reason = "DEATH"
        record.end_reference = notice.certificate_number.strip()
        await _ended(uow, repo, record, "marriage.end_by_death", before, _marriage_ended(record))
    return record


async def _ended_by_death_of(repo: MarriageRepository, hash_: bytes) -> MarriageRecord | None:
    for record in await repo.records_of(hash_):
        m = record.marriage
        if m.state is MarriageState.ENDED_BY_DEATH and m.deceased_key is not None \
                and m.party_keys.index(m.deceased_key) == record.party_hashes.index(hash_):
            return record
    return None


async def revoke(uow: UnitOfWork, cipher: PiiCipher, marriage_id: str, authority: RevokingAuthority,
                 document_reference: str, reason: str) -> MarriageRecord:
    """Revoke in one step. While a revocation case on the marriage is open (审查中 or 已告知) the case
    decides (REVOCATION_CASE_OPEN): a revocation that names it goes through
    ``marriage.app.revocation.revoke_by_case``."""
    repo = MarriageRepository(uow.session, cipher)
    record = await load(repo, marriage_id, for_update=True)  # a case opens under the same lock
    await require_record_jurisdiction(repo, record)
    await require_no_open_case(uow.session, record.id)
    await revoke_record(uow, repo, record, authority, document_reference, reason)
    return record


async def require_no_open_case(session: AsyncSession, marriage_id: str) -> None:
    case = await RevocationRepository(session).open_of(marriage_id)
    if case is not None:
        raise precondition("REVOCATION_CASE_OPEN",
                           f"该婚姻登记有正在办理的撤销案件（{case.case.document_number}，"
                           f"{REVOCATION_STATE_WORDS[case.case.state]}）：请在该案件中办理撤销",
                           revocation_case=f"revocationCases/{case.case.id}", state=str(case.case.state))


async def revoke_record(uow: UnitOfWork, repo: MarriageRepository, record: MarriageRecord,
                        authority: RevokingAuthority, document_reference: str, reason: str, *,
                        revocation_case: str = "", decision_number: str = "", revoked_on: dt.date | None = None,
                        ) -> None:
    """The revocation itself, on a record loaded FOR UPDATE: the registration is revoked (today, or on
    a case's decision date), its parties freed, an open divorce application closed, with the audit
    row and registration_revoked."""
    before = audit_view(record)
    record.marriage.revoke(revoked_on or uow.clock.today(), authority, document_reference)
    record.end_reason = "REVOKED"
    record.end_reference = document_reference.strip()
    revoked = events_pb2.RegistrationRevoked(
        marriage=event_marriage_pb(record), authority=pb.RevocationAuthority.Value(f"REVOCATION_AUTHORITY_{authority}"),
        document_reference=mask_text(record.end_reference), revocation_case=revocation_case,
        decision_number=mask_text(decision_number))
    if revocation_case:
        reason = f"{reason.strip()}（{revocation_case}，撤销决定 {decision_number}）".lstrip()
    await _ended(uow, repo, record, "marriage.revoke", before, ("registration_revoked", revoked), reason.strip())


# --- certificate print ---------------------------------------------------------------------------

def not_of_record(number: str) -> DomainError:
    return not_found("CERTIFICATE_NOT_OF_RECORD", f"证书字号 {number} 不是此婚姻登记记录发出的证书",
                     document_number=number)


async def issued_document(repo: MarriageRepository, record: MarriageRecord, number: str) -> IssuedCertificate:
    """A certificate the record issued after registration, by its number; NOT_FOUND for any other."""
    issued = await repo.issued_certificate(record.id, number)
    if issued is None:
        raise not_of_record(number)
    return issued


async def print_certificate(uow: UnitOfWork, cipher: PiiCipher, marriage_id: str, purpose: str,
                            document_number: str = "") -> MarriageRecord:
    """The record whose certificate a registrar prints, with the parties' numbers for the caller to
    show in full: its marriage certificate, or ``document_number`` — one issued on it since (a
    reissue, its divorce certificate, a record certificate). The disclosure is audited (who, which
    record and document, why); the audit keeps no ID numbers."""
    if not purpose.strip():
        raise invalid("PURPOSE_REQUIRED", "须说明打印用途（如打印结婚证、补领结婚证）", "purpose")
    repo = MarriageRepository(uow.session, cipher)
    record = await load(repo, marriage_id)
    document = document_number.strip().upper() or record.marriage.certificate_number
    later = document != record.marriage.certificate_number
    issued = await repo.issued_certificate(record.id, document) if later else None
    await require_print_jurisdiction(repo, record, issued)  # before telling which numbers the record has
    if later and issued is None:
        raise not_of_record(document)
    if not later:
        require_issued_here(record.historical, document)
    series = issued.kind if issued is not None else CertificateKind.MARRIAGE.value
    require_printable(series, str(record.marriage.state), document)
    uow.audit("marriage.print_certificate", f"marriages/{record.id}",
              office_code=await record_office(repo, record), after={"document_number": document},
              reason=purpose.strip())
    return record


# --- reissue -------------------------------------------------------------------------------------

async def _married_since(repo: MarriageRepository, record: MarriageRecord, since: dt.date,
                         other_couple_only: bool = False) -> bool:
    """Whether a party of ``record`` has a marriage registered on or after ``since`` (revoked and
    void ones aside); with ``other_couple_only``, a record of the same couple (a duplicate archive row) does
    not count."""
    couple = set(record.party_hashes)
    for hash_ in record.party_hashes:
        if hash_ is None:
            continue
        for other in await repo.records_of(hash_):
            if other.id != record.id and other.marriage.state not in NOT_A_MARRIAGE \
                    and other.marriage.register_date >= since \
                    and not (other_couple_only and set(other.party_hashes) == couple):
                return True
    return False


async def _reissued_kind(repo: MarriageRepository, record: MarriageRecord) -> CertificateKind | None:
    """The certificate a 补领 would replace, or ``None`` when the status changed since it was issued."""
    m = record.marriage
    if m.state is MarriageState.REGISTERED:
        # A later marriage with someone else: an archive that lacks the divorce row (rules.md §1.8).
        # The status changed since this registration, so its 结婚证 is not issued again (§1.6).
        married_another = await _married_since(repo, record, m.register_date, other_couple_only=True)
        return None if married_another else CertificateKind.MARRIAGE
    if m.state is MarriageState.DIVORCED and record.end_reason == "DIVORCE_REGISTERED" \
            and not await _married_since(repo, record, m.ended_on or m.register_date):
        return CertificateKind.DIVORCE
    return None


def _applicant(cipher: PiiCipher, applied: ReissueApplication) -> tuple[bytes, Agent | None]:
    """The keyed hash of the party's document, and the agent who applies for the party (checked)."""
    require_applicant(applied.id_number)
    number = canonical_number(applied.id_type, applied.id_number, "applicant_id_number")
    p = applied.proxy
    if p is None or not proxy_given(p.id_number, p.name, p.power_of_attorney):
        return party_hash(cipher, number), None
    agent_number = canonical_number(p.id_type, p.id_number, "proxy.id_number")
    return party_hash(cipher, number), checked_agent(p.id_type, agent_number, p.name, p.power_of_attorney, number)


def _applicant_view(record: MarriageRecord, who: ReissueApplicant) -> dict:
    """The audit's account of who applied: the party masked, the agent masked, the reference."""
    view: dict = {"applicant": {"position": who.position, "id_masked": record.id_masks[who.position]},
                  "by_proxy": who.by_proxy}
    if who.agent is not None:
        view["agent"] = {"id_type": str(who.agent.id_type), "id_masked": mask_id(who.agent.id_number),
                         "name": mask_name(who.agent.name)}
        view["power_of_attorney"] = who.agent.power_of_attorney  # typed text: IDs in it masked by the audit
    return view


async def reissue(uow: UnitOfWork, cipher: PiiCipher, marriage_id: str, office_raw: str,
                  ground: str, applied: ReissueApplication) -> Reissue:
    """补领 for a party of the record (rules.md §1.6), in person or through an agent with a notarized
    power of attorney; a stranger's document is refused before anything is numbered."""
    office = office_code(office_raw)
    require_jurisdiction(office)  # 全国通办: any registry may reissue, acting within its own jurisdiction
    if not ground.strip():
        raise invalid("GROUND_REQUIRED", "须说明补领原因（遗失、损毁或与身份证件信息不一致）", "ground")
    applicant_hash, agent = _applicant(cipher, applied)
    repo = MarriageRepository(uow.session, cipher)
    record = await load(repo, marriage_id, for_update=True)
    who = ReissueApplicant(applicant_position(applicant_hash, record.party_hashes), agent)
    await require_designated(uow.session, office, record.marriage.parties, "补领婚姻登记证")
    before = audit_view(record)
    today = uow.clock.today()
    replaced = await _reissued_kind(repo, record)
    decision = reissue_kind(replaced is not None)
    if replaced is not None:
        kind = replaced.reissued()
        serial = await next_serial(uow.session, kind.value, office, today.year)
        number = format_certificate_number(kind, office, today.year, serial)
        series = kind.value
        record.reissue_count += 1
    else:
        series = RECORD_CERTIFICATE_KIND
        serial = await next_serial(uow.session, series, office, today.year)
        number = f"{series}{office}-{today.year:04d}-{serial:06d}"
    record.marriage.reissue(today, office, replaced is not None, number)
    await repo.add_certificate(record.id, series, number, office, today, ground.strip(), who)
    await repo.save_state(record, uow.clock.now())
    outcome_pb = pb.REISSUE_OUTCOME_CERTIFICATE if decision.outcome is ReissueOutcome.REISSUED_CERTIFICATE \
        else pb.REISSUE_OUTCOME_RECORD_CERTIFICATE
    record_office_code = await record_office(repo, record)
    uow.audit("marriage.reissue", f"marriages/{record.id}", office_code=record_office_code,
              before=before, after={
        **audit_view(record), "outcome": str(decision.outcome), "document_number": number,
        "decision_reason": decision.reason or "", **_applicant_view(record, who)}, reason=ground.strip())
    uow.emit("certificate_reissued", events_pb2.CertificateReissued(
        marriage=f"marriages/{record.id}", outcome=outcome_pb, document_number=number, by_proxy=who.by_proxy),
        office_code=record_office_code)
    return Reissue(decision.outcome, number, decision.note, record)


# --- look-ups ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatusView:
    status: MaritalStatus
    basis: MarriageRecord | None
    records: list[MarriageRecord]


def _last_change(record: MarriageRecord) -> tuple[dt.date, dt.date]:
    m = record.marriage
    return m.ended_on or m.register_date, m.register_date


async def marital_status_of(session: AsyncSession, cipher: PiiCipher, id_type: IdType, raw: str) -> StatusView:
    hash_ = party_hash(cipher, canonical_number(id_type, raw))
    records = await MarriageRepository(session, cipher).records_of(hash_)
    person = []
    for record in records:
        m = record.marriage
        position = record.party_hashes.index(hash_)
        deceased = m.deceased_key is not None and m.party_keys.index(m.deceased_key) == position
        person.append(PersonRecord(m.state, m.register_date, m.ended_on, deceased))
    relevant = [r for r in records if r.marriage.state not in NOT_A_MARRIAGE]
    basis = max(relevant, key=_last_change) if relevant else None
    return StatusView(marital_status(person), basis, records)

