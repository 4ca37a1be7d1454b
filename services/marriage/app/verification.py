"""Public verification of a certificate (marriage or divorce) or acceptance receipt (the QR link): masked data and the
record's current state; every verification is counted in the record's audit."""
from __future__ import annotations

from civic.marriage.v1 import resources_pb2 as pb
from servicekit.pii import PiiCipher, mask_name
from servicekit.uow import UnitOfWork

from marriage.adapters.repository import MarriageRepository, audit_count
from marriage.app import divorces
from marriage.app.access import record_office
from marriage.app.marriages import RECORD_CERTIFICATE_KIND, issued_document
from marriage.app.records import load
from marriage.app.messages import DIVORCE_STATE_PB, STATE_PB, iso, marriage_pb
from marriage.domain.certificates import CertificateKind

VERIFY_ACTION = "record.verify"
MARRIAGE_LABELS = {"REGISTERED": "婚姻关系存续（已登记结婚）", "DIVORCED": "已离婚",
                   "ENDED_BY_DEATH": "婚姻关系因一方死亡而终止", "REVOKED": "婚姻登记已被撤销",
                   "VOID": "婚姻已被人民法院宣告无效或撤销"}
# What each document issued on a record after registration is called on the page.
DOCUMENT_KINDS = {CertificateKind.DIVORCE.value: "离婚证", CertificateKind.MARRIAGE_REISSUED.value: "结婚证（补发）",
                  CertificateKind.DIVORCE_REISSUED.value: "离婚证（补发）", RECORD_CERTIFICATE_KIND: "婚姻登记记录证明"}
DIVORCE_LABELS = {"COOLING_OFF": "离婚冷静期中", "AWAITING_ISSUE": "冷静期已届满，待双方申请发给离婚证",
                  "WITHDRAWN": "已撤回离婚登记申请", "DEEMED_WITHDRAWN": "已视为撤回离婚登记申请",
                  "DIVORCED": "已办理离婚登记", "REFUSED": "不予离婚登记",
                  "TERMINATED": "婚姻关系已另行解除，离婚登记申请终止办理"}


def _public(parties: list[pb.Party]) -> list[pb.Party]:
    """ID numbers are masked already; on a public page the names are masked too."""
    return [pb.Party(id_type=p.id_type, id_number=p.id_number, name=mask_name(p.name), nationality=p.nationality,
                     sex=p.sex) for p in parties]


async def _count(uow: UnitOfWork, name: str, office: str) -> int:
    """Earlier verifications of the record, plus this one (its audit row is written at commit)."""
    earlier = await audit_count(uow.session, name, VERIFY_ACTION)
    uow.audit(VERIFY_ACTION, name, office_code=office)
    return earlier + 1


async def verify_marriage(uow: UnitOfWork, cipher: PiiCipher, marriage_id: str,
                          document_number: str = "") -> pb.RecordVerification:
    """The record's state, shown for its marriage certificate, or for ``document_number`` — a document
    it issued since (divorce certificate, replacement, record certificate): that number, kind, date
    and office, so what the page shows is what is printed on the paper in hand."""
    repo = MarriageRepository(uow.session, cipher)
    record = await load(repo, marriage_id)
    shown = marriage_pb(record)
    state = str(record.marriage.state)
    kind, number, date, office = "结婚登记", shown.certificate_number, shown.register_date, shown.office_code
    requested = document_number.strip().upper()
    if requested and requested != number:
        issued = await issued_document(repo, record, requested)
        kind, number, date, office = (DOCUMENT_KINDS[issued.kind], issued.number, iso(issued.issue_date),
                                      issued.office_code)
    return pb.RecordVerification(
        name=shown.name, document_number=number, record_kind=kind,
        state=pb.MarriageState.Name(STATE_PB[state]), state_label=MARRIAGE_LABELS[state],
        date=date, parties=_public(list(shown.parties)), office_code=office,
        verification_count=await _count(uow, shown.name, await record_office(repo, record)))


async def verify_application(uow: UnitOfWork, cipher: PiiCipher, application_id: str) -> pb.RecordVerification:
    app = await divorces.load_application(uow.session, cipher, application_id)  # public: masked
    a = app.record.application
    state = str(a.state_on(uow.clock.today()))
    name = f"divorceApplications/{a.id}"
    # Registered, the application is the divorce itself: what it shows is its certificate (离婚证).
    divorced = state == "DIVORCED"
    return pb.RecordVerification(
        name=name, document_number=app.record.certificate_number if divorced else app.record.receipt_number,
        record_kind="离婚登记" if divorced else "离婚登记申请",
        state=pb.DivorceState.Name(DIVORCE_STATE_PB[state]), state_label=DIVORCE_LABELS[state],
        date=iso(a.closed_on if divorced else a.accepted_on), parties=_public(list(marriage_pb(app.marriage).parties)),
        office_code=a.office_code, verification_count=await _count(uow, name, a.office_code))
