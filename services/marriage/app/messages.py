"""Records → protobuf messages, for responses and event payloads alike.

ID numbers leave as their mask — in full only on a registrar's certificate print, of a marriage or
a divorce (``full_ids``, audited by the caller); names and phones of appointment contacts are masked too.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from civic.marriage.v1 import resources_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp
from servicekit.clock import BUREAU_TZ
from servicekit.pii import mask_name, mask_text

from marriage.adapters.appointments import AppointmentRecord, OfficeRecord, SpecialDateRecord
from marriage.adapters.divorces import ApplicationRecord
from marriage.adapters.repository import MarriageRecord
from marriage.adapters.revocation import CaseRecord
from marriage.domain.blanks import BlankKind, BlankState, CertificateBlank
from marriage.domain.counseling import ConcernKind, CounselingCase, CounselingConcern, VictimHelp
from marriage.domain.calendar import WorkCalendar, bundled_calendar
from marriage.domain.calendar_year import CalendarYear, NamedDay
from marriage.domain.divorce import CertificatesPresented, divorce_periods, periods_provisional
from marriage.domain.marriages import Annulment, AnnulmentGround, AnnulmentKind
from marriage.domain.proofs import NoSpouseProof
from marriage.domain.retroactive import Cohabitation
from marriage.domain.revocation import NoticeMethod, RevocationCaseState, RevocationOutcome

if TYPE_CHECKING:  # a type only: marriage.app.appointments imports this module
    from marriage.app.appointments import SpecialDay

ID_TYPE_PB = {"RESIDENT_ID": pb.ID_TYPE_RESIDENT_ID, "PASSPORT": pb.ID_TYPE_PASSPORT,
              "HK_MACAO_PERMIT": pb.ID_TYPE_HK_MACAO_PERMIT, "TAIWAN_PERMIT": pb.ID_TYPE_TAIWAN_PERMIT}
SEX_PB = {"M": pb.SEX_MALE, "F": pb.SEX_FEMALE}
STATE_PB = {"REGISTERED": pb.MARRIAGE_STATE_REGISTERED, "DIVORCED": pb.MARRIAGE_STATE_DIVORCED,
            "ENDED_BY_DEATH": pb.MARRIAGE_STATE_ENDED_BY_DEATH, "REVOKED": pb.MARRIAGE_STATE_REVOKED,
            "VOID": pb.MARRIAGE_STATE_VOID}
END_REASON_PB = {"DIVORCE_REGISTERED": pb.END_REASON_DIVORCE_REGISTERED, "COURT_DIVORCE": pb.END_REASON_COURT_DIVORCE,
                 "DEATH": pb.END_REASON_DEATH, "REVOKED": pb.END_REASON_REVOKED,
                 "COURT_VOID": pb.END_REASON_COURT_VOID, "COURT_ANNULLED": pb.END_REASON_COURT_ANNULLED}
ANNULMENT_KIND_PB = {k: pb.AnnulmentKind.Value(f"ANNULMENT_KIND_{k}") for k in AnnulmentKind}
ANNULMENT_GROUND_PB = {g: pb.AnnulmentGround.Value(f"ANNULMENT_GROUND_{g}") for g in AnnulmentGround}
DIVORCE_STATE_PB = {name: pb.DivorceState.Value(f"DIVORCE_STATE_{name}") for name in (
    "COOLING_OFF", "AWAITING_ISSUE", "WITHDRAWN", "DEEMED_WITHDRAWN", "DIVORCED", "REFUSED", "TERMINATED")}
APPOINTMENT_STATE_PB = {"BOOKED": pb.APPOINTMENT_STATE_BOOKED, "CANCELLED": pb.APPOINTMENT_STATE_CANCELLED,
                        "SERVED": pb.APPOINTMENT_STATE_SERVED}
APPOINTMENT_KIND_PB = {"MARRIAGE": pb.APPOINTMENT_KIND_MARRIAGE, "DIVORCE": pb.APPOINTMENT_KIND_DIVORCE,
                       "REISSUE": pb.APPOINTMENT_KIND_REISSUE}
OUTCOME_PB = {"RECONCILED": pb.COUNSELING_OUTCOME_RECONCILED, "PROCEEDED": pb.COUNSELING_OUTCOME_PROCEEDED,
              "REFERRED": pb.COUNSELING_OUTCOME_REFERRED}
CONCERN_KIND_PB = {k: pb.CounselingConcernKind.Value(f"COUNSELING_CONCERN_KIND_{k}") for k in ConcernKind}
VICTIM_HELP_PB = {h: pb.VictimHelp.Value(f"VICTIM_HELP_{h}") for h in VictimHelp}

CERTIFICATES_PB = {c: pb.CertificatesPresented.Value(f"CERTIFICATES_PRESENTED_{c}")
                   for c in CertificatesPresented}
BLANK_KIND_PB = {k: pb.CertificateBlankKind.Value(f"CERTIFICATE_BLANK_KIND_{k}") for k in BlankKind}
BLANK_STATE_PB = {s: pb.CertificateBlankState.Value(f"CERTIFICATE_BLANK_STATE_{s}") for s in BlankState}
REVOCATION_STATE_PB = {s: pb.RevocationCaseState.Value(f"REVOCATION_CASE_STATE_{s}") for s in RevocationCaseState}
NOTICE_METHOD_PB = {m: pb.RevocationNoticeMethod.Value(f"REVOCATION_NOTICE_METHOD_{m}") for m in NoticeMethod}
REVOCATION_OUTCOME_PB = {o: pb.RevocationOutcome.Value(f"REVOCATION_OUTCOME_{o}") for o in RevocationOutcome}


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def hhmm(t: dt.time | None) -> str:
    return t.strftime("%H:%M") if t else ""


def _timestamp(when: dt.datetime | None) -> Timestamp | None:
    if when is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(when)
    return ts


def mask_phone(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) >= 11 else "*" * len(phone)


def proof_pb(proof: NoSpouseProof | None) -> pb.NoSpouseProof | None:
    if proof is None:
        return None
    return pb.NoSpouseProof(kind=pb.NoSpouseProofKind.Value(f"NO_SPOUSE_PROOF_KIND_{proof.kind}"),
                            issuer=proof.issuer, document_number=proof.document_number,
                            issue_date=iso(proof.issue_date))


def annulment_pb(annulment: Annulment | None) -> pb.Annulment | None:
    if annulment is None:
        return None
    return pb.Annulment(kind=ANNULMENT_KIND_PB[annulment.kind], ground=ANNULMENT_GROUND_PB[annulment.ground],
                        court=annulment.court, document_number=annulment.document_number,
                        judgment_date=iso(annulment.judgment_date))


def marriage_pb(record: MarriageRecord, *, full_ids: bool = False) -> pb.Marriage:
    m = record.marriage
    parties = [pb.Party(id_type=ID_TYPE_PB.get(str(p.id_type), pb.ID_TYPE_UNSPECIFIED),
                        id_number=p.id_number if full_ids else mask,
                        name=p.name, nationality=p.nationality, sex=SEX_PB.get(p.sex or "", pb.SEX_UNSPECIFIED),
                        birth_date=iso(p.birth_date), no_spouse_proof=proof_pb(p.no_spouse_proof))
               for p, mask in zip(m.parties, record.id_masks)]
    return pb.Marriage(
        name=f"marriages/{m.id}", certificate_number=m.certificate_number, state=STATE_PB[str(m.state)],
        register_date=iso(m.register_date), parties=parties, office_code=m.office_code, end_date=iso(m.ended_on),
        end_reason=END_REASON_PB.get(record.end_reason, pb.END_REASON_UNSPECIFIED),
        end_reference=record.end_reference, historical=record.historical, defects=record.defects,
        reissue_count=record.reissue_count, create_time=_timestamp(record.created_at),
        update_time=_timestamp(record.updated_at), annulment=annulment_pb(m.annulment),
        cohabitation=cohabitation_pb(m.cohabitation))


def cohabitation_pb(cohabitation: Cohabitation | None) -> pb.Cohabitation | None:
    if cohabitation is None:
        return None
    return pb.Cohabitation(start_date=iso(cohabitation.since), effective_date=iso(cohabitation.effective))


def event_marriage_pb(record: MarriageRecord) -> pb.Marriage:
    """A marriage as its events carry it: the end's document reference is typed text (a court's case
    number, a revocation's document) and leaves with any ID number in it masked, as audit rows keep it."""
    shown = marriage_pb(record)
    shown.end_reference = mask_text(shown.end_reference)
    if shown.HasField("annulment"):
        shown.annulment.document_number = mask_text(shown.annulment.document_number)
        shown.annulment.court = mask_text(shown.annulment.court)
    return shown


def application_pb(record: ApplicationRecord, today: dt.date, marriage: MarriageRecord | None, *,
                   full_ids: bool = False, cal: WorkCalendar | None = None) -> pb.DivorceApplication:
    """``periods_provisional`` by ``cal``, else by the calendar the service ships."""
    a = record.application
    return pb.DivorceApplication(
        name=f"divorceApplications/{a.id}", marriage=f"marriages/{a.marriage_id}",
        state=DIVORCE_STATE_PB[str(a.state_on(today))], office_code=a.office_code, accept_date=iso(a.accepted_on),
        cooling_off_end_date=iso(a.cooling_off_end), issue_deadline_date=iso(a.issue_deadline),
        close_date=iso(a.closed_on), certificate_number=record.certificate_number,
        agreement=pb.DivorceAgreement(voluntary=a.agreement.voluntary, children_arrangement=a.agreement.children,
                                      property_division=a.agreement.property, debt_handling=a.agreement.debts),
        receipt_number=record.receipt_number,
        parties=marriage_pb(marriage, full_ids=full_ids).parties if marriage else [],
        declarations=pb.DivorceDeclarations(full_civil_capacity=a.declarations.full_civil_capacity)
        if a.declarations else None,
        certificates_presented=CERTIFICATES_PB[a.certificates], refusal_reason=a.refusal_reason,
        periods_provisional=a.periods_provisional(cal or bundled_calendar()))


def office_pb(office: OfficeRecord) -> pb.Office:
    return pb.Office(name=f"offices/{office.code}", office_code=office.code, display_name=office.name,
                     opens_at=hhmm(office.hours.opens), closes_at=hhmm(office.hours.closes),
                     daily_capacity=office.hours.capacity, foreign_cases=office.foreign_cases,
                     etag=office.etag)


def special_date_pb(sd: SpecialDateRecord) -> pb.SpecialDate:
    return pb.SpecialDate(office_code=sd.office_code, date=iso(sd.date), label=sd.label, opens_at=hhmm(sd.opens),
                          closes_at=hhmm(sd.closes), capacity=sd.capacity or 0)


def special_day_pb(d: SpecialDay) -> pb.SpecialDate:
    """A day of ListSpecialDates, with the hours and capacity a booking on it gets."""
    return pb.SpecialDate(office_code=d.office_code, date=iso(d.plan.day), label=d.label, opens_at=hhmm(d.plan.opens),
                          closes_at=hhmm(d.plan.closes), capacity=d.plan.capacity, built_in=d.built_in,
                          added=d.added)


def _calendar_days(days: tuple[NamedDay, ...]) -> list[pb.CalendarDay]:
    return [pb.CalendarDay(date=iso(d.day), name=d.name, added=d.added) for d in days]


def work_calendar_pb(year: CalendarYear, office_code: str, today: dt.date, cal: WorkCalendar) -> pb.WorkCalendar:
    """The year, with the periods of a divorce application accepted ``today`` by ``cal``."""
    cooling_off_end, issue_deadline = divorce_periods(today, cal)
    return pb.WorkCalendar(
        year=year.year, notice_loaded=year.notice_loaded, notice_source=year.notice_source,
        holidays=_calendar_days(year.holidays), make_up_workdays=_calendar_days(year.make_up_workdays),
        rush_dates=_calendar_days(year.rush_dates), office_code=office_code,
        divorce_periods_today=pb.DivorcePeriods(
            accept_date=iso(today), cooling_off_end_date=iso(cooling_off_end), issue_deadline_date=iso(issue_deadline),
            provisional=periods_provisional(cal, cooling_off_end, issue_deadline)))


def appointment_pb(a: AppointmentRecord) -> pb.Appointment:
    return pb.Appointment(name=f"appointments/{a.id}", office_code=a.office_code, date=iso(a.date),
                          kind=APPOINTMENT_KIND_PB[a.kind], state=APPOINTMENT_STATE_PB[a.state],
                          contact_name=mask_name(a.contact_name), contact_phone=mask_phone(a.contact_phone),
                          queue_number=a.queue_number)


def concern_pb(c: CounselingConcern) -> pb.CounselingConcern:
    report = (pb.PoliceReport(report_time=c.report.reported_at.astimezone(BUREAU_TZ).isoformat(timespec="minutes"),
                              reference=c.report.reference) if c.report else None)
    return pb.CounselingConcern(kind=CONCERN_KIND_PB[c.kind], date=iso(c.noted_on), action=c.action,
                                help=[VICTIM_HELP_PB[h] for h in c.help], police_report=report)


def counseling_pb(case: CounselingCase, topic: str) -> pb.CounselingCase:
    return pb.CounselingCase(
        name=f"counselingCases/{case.id}", office_code=case.office_code, received_date=iso(case.received_on),
        divorce_application=case.divorce_application or "",
        sessions=[pb.CounselingSession(date=iso(s.held_on), counselor=s.counselor, summary=s.summary)
                  for s in case.sessions],
        outcome=OUTCOME_PB.get(str(case.outcome), pb.COUNSELING_OUTCOME_UNSPECIFIED) if case.outcome else
        pb.COUNSELING_OUTCOME_UNSPECIFIED,
        close_date=iso(case.closed_on), topic=topic, concerns=[concern_pb(c) for c in case.concerns])


def revocation_case_pb(record: CaseRecord) -> pb.RevocationCase:
    c, n, d = record.case, record.case.notice, record.case.decision
    return pb.RevocationCase(
        name=f"revocationCases/{c.id}", marriage=f"marriages/{c.marriage_id}",
        source=pb.RevocationAuthority.Value(f"REVOCATION_AUTHORITY_{c.source}"), document_number=c.document_number,
        received_date=iso(c.received_on), office_code=c.office_code, state=REVOCATION_STATE_PB[c.state],
        notice=pb.RevocationNotice(method=NOTICE_METHOD_PB[n.method], notice_date=iso(n.notice_date),
                                   objection_deadline_date=iso(n.objection_deadline)) if n else None,
        decision=pb.RevocationDecision(outcome=REVOCATION_OUTCOME_PB[d.outcome], decision_number=d.number,
                                       decision_date=iso(d.decided_on), declined_reason=d.declined_reason)
        if d else None,
        service_date=iso(c.served_on), filed_date=iso(c.filed_on), create_time=_timestamp(record.created_at),
        update_time=_timestamp(record.updated_at), etag=c.etag)


def blank_pb(blank: CertificateBlank) -> pb.CertificateBlank:
    return pb.CertificateBlank(
        kind=BLANK_KIND_PB[blank.kind], serial=blank.serial, office_code=blank.office_code,
        state=BLANK_STATE_PB[blank.state], document_number=blank.document_number,
        marriage=f"marriages/{blank.marriage_id}" if blank.marriage_id else "", received_date=iso(blank.received_on),
        used_date=iso(blank.used_on), voided_date=iso(blank.voided_on), void_reason=blank.void_reason)


def blank_stock_pb(kind: BlankKind, counts: dict[BlankState, int]) -> pb.CertificateBlankStock:
    return pb.CertificateBlankStock(kind=BLANK_KIND_PB[kind], in_stock=counts[BlankState.IN_STOCK],
                                    used=counts[BlankState.USED], voided=counts[BlankState.VOIDED])


def _annulment_view(annulment: Annulment | None) -> dict:
    if annulment is None:
        return {}
    return {"annulment": {"kind": str(annulment.kind), "ground": str(annulment.ground),
                          "court": annulment.court, "document_number": annulment.document_number,
                          "judgment_date": iso(annulment.judgment_date)}}


def audit_view(record: MarriageRecord) -> dict:
    """What the audit trail keeps of a marriage: masked IDs and names, never the full numbers."""
    m = record.marriage
    return {
        "certificate_number": m.certificate_number, "state": str(m.state), "office_code": m.office_code,
        "register_date": iso(m.register_date), "end_date": iso(m.ended_on), "end_reason": record.end_reason,
        "end_reference": record.end_reference, **_annulment_view(m.annulment),
        **({"cohabitation": {"start_date": iso(c.since), "effective_date": iso(c.effective)}}
           if (c := m.cohabitation) else {}),
        "parties": [{"id_type": str(p.id_type), "id_masked": mask, "name": mask_name(p.name)}
                    | ({"no_spouse_proof": {"kind": str(proof.kind), "issuer": proof.issuer,
                                            "document_number": proof.document_number,
                                            "issue_date": iso(proof.issue_date)}}
                       if (proof := p.no_spouse_proof) else {})
                    for p, mask in zip(m.parties, record.id_masks)],
    }
