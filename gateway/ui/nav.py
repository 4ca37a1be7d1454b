"""The navigation registry: departments, their screens, and which roles see them.

Another department's screens slot in by adding a `Department` here (or calling `register`) with
its screens: a screen with a `template` is live (a page route and a nav link); one without is
listed as coming soon (即将上线) on the home page of the department's roles. A role's home shows
the dashboards registered for it in `DASHBOARDS`, or else the overview of its departments.
Labels are i18n keys: `dept.<key>` for a department, `screen.<key>` for a screen.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gateway.ui import i18n

REGISTRAR = "marriage_registrar"
COUNSELOR = "marriage_counselor"
SUPERVISOR = "supervisor"
ADMIN = "admin"
MARRIAGE_STAFF = frozenset({REGISTRAR, COUNSELOR, SUPERVISOR})


@dataclass(frozen=True)
class Screen:
    key: str
    roles: frozenset[str]
    path: str = ""  # URL of a live screen ("" = coming soon)
    template: str = ""
    script: str = ""  # the page's module under static/js/pages/ (default: the template's name)
    in_nav: bool = True  # detail and print pages are reached from other screens
    # The language the page always has, whatever the reader chose ("" = the reader's): a printed
    # document is issued in Chinese (结婚证, 受理回执单, 告知书 are legal documents in the registry's
    # wording), so its sheet follows the document, not the screen.
    language: str = ""

    @property
    def live(self) -> bool:
        return bool(self.template)

    @property
    def module(self) -> str:
        return self.script or self.template.rsplit("/", 1)[-1].removesuffix(".html")


@dataclass(frozen=True)
class Department:
    key: str
    roles: frozenset[str]  # the department's own staff (whose overview home lists it)
    screens: tuple[Screen, ...] = field(default_factory=tuple)

    def visible_to(self) -> frozenset[str]:
        return frozenset().union(*(s.roles for s in self.screens)) if self.screens else self.roles


def _marriage(key: str, path: str, roles: frozenset[str] = frozenset({REGISTRAR}), **kw: object) -> Screen:
    return Screen(f"marriage.{key}", roles, f"/ui/marriage/{path}", f"marriage/{key}.html", **kw)  # type: ignore[arg-type]


# 审计: the services' audit trails (ListAuditRecords), read-only. Record pages link to it for these
# roles (shell.js auditLink), asking for the record's history (?service=…&resource=…).
AUDIT = Screen("oversight.audit", frozenset({SUPERVISOR, "auditor"}), "/ui/oversight/audit",
               "oversight/audit.html")


def _soon(department: str, *keys: str) -> tuple[Screen, ...]:
    roles = frozenset({f"{department}_officer"})
    return tuple(Screen(f"{department}.{key}", roles) for key in keys)


DEPARTMENTS: list[Department] = [
    Department("marriage", frozenset({REGISTRAR, COUNSELOR}), (
        _marriage("appointments", "appointments", MARRIAGE_STAFF),
        _marriage("register", "register"),
        _marriage("divorces", "divorces", MARRIAGE_STAFF),
        _marriage("divorce", "divorces/{application_id}", MARRIAGE_STAFF, in_nav=False),
        _marriage("reissue", "reissue"),
        _marriage("status", "status", MARRIAGE_STAFF),
        # 婚姻状况变更: court divorce, death, revocation — registrars only, as the three calls allow.
        _marriage("endings", "endings"),
        # 撤销婚姻登记案件: 审查 → 告知 → 决定 → 送达 → 归档; registrars act (as RevokeRegistration allows),
        # supervisors read the cases (GetRevocationCase, ListRevocationCases).
        _marriage("revocations", "revocations", frozenset({REGISTRAR, SUPERVISOR})),
        _marriage("imports", "imports"),
        _marriage("corrections", "corrections", frozenset({REGISTRAR, SUPERVISOR})),
        # 婚姻家庭辅导: supervisors read the cases, e.g. those with a domestic-violence or trafficking concern.
        _marriage("counseling", "counseling", MARRIAGE_STAFF),
        _marriage("statistics", "statistics", frozenset({REGISTRAR, SUPERVISOR, "auditor"})),
        # 空白证书: registrars keep the account; supervisors and auditors see it (the API lets them list only).
        _marriage("blanks", "blanks", frozenset({REGISTRAR, SUPERVISOR, "auditor"})),
        # 登记机关设置: hours and capacity (UpsertOffice: registrars, admin — the designation for foreign
        # cases admin only), special dates (ListSpecialDates; AddSpecialDate: supervisors, admin).
        _marriage("offices", "offices", frozenset({REGISTRAR, SUPERVISOR, "admin"})),
    )),
    Department("funeral", frozenset({"funeral_officer"}),
               _soon("funeral", "cremations", "cemeteries", "rectification", "unclaimed")),
    Department("placenames", frozenset({"placenames_officer"}),
               _soon("placenames", "divisions", "names", "boundaries")),
    Department("socialorg", frozenset({"socialorg_officer"}),
               _soon("socialorg", "registration", "inspections", "grades", "credit")),
    Department("rescue", frozenset({"rescue_officer"}),
               _soon("rescue", "intake", "stays", "tracing", "closing")),
    Department("oversight", frozenset({SUPERVISOR, "auditor"}), (
        AUDIT,
        Screen("oversight.reports", frozenset({SUPERVISOR})),
    )),
    # 账号管理: the accounts API (/v1/admin/*) admits the account administrator only.
    Department("accounts", frozenset({ADMIN}), (
        Screen("accounts.users", frozenset({ADMIN}), "/ui/accounts/users", "accounts/users.html"),
        Screen("accounts.clients", frozenset({ADMIN}), "/ui/accounts/clients", "accounts/clients.html"),
    )),
]

# Printable documents: reached from the screens, laid out for paper.
DOCUMENT_LANGUAGE = i18n.DEFAULT  # the language printed documents are issued in
PRINTS: tuple[Screen, ...] = (
    Screen("print.certificate", frozenset({REGISTRAR}), "/ui/print/certificate/{record_id}",
           "print/certificate.html", in_nav=False, language=DOCUMENT_LANGUAGE),
    # 申请结婚登记声明书: the parties sign them before the registrar; the numbers in full, as on the certificate.
    Screen("print.declarations", frozenset({REGISTRAR}), "/ui/print/declarations/{record_id}",
           "print/declarations.html", in_nav=False, language=DOCUMENT_LANGUAGE),
    Screen("print.receipt", frozenset({REGISTRAR, SUPERVISOR}), "/ui/print/receipt/{record_id}",
           "print/receipt.html", in_nav=False, language=DOCUMENT_LANGUAGE),
    # Registrars only, as PrintDivorceCertificate (the full numbers, audited) allows no one else.
    Screen("print.divorceCertificate", frozenset({REGISTRAR}), "/ui/print/divorce-certificate/{record_id}",
           "print/divorce_certificate.html", in_nav=False, language=DOCUMENT_LANGUAGE),
    Screen("print.refusal", frozenset({REGISTRAR}), "/ui/print/refusal", "print/refusal.html", in_nav=False,
           language=DOCUMENT_LANGUAGE),
)

# Role → the dashboard partial (templates/home/) shown on its home page.
DASHBOARDS: dict[str, str] = {REGISTRAR: "home/marriage_registrar.html"}


def register(department: Department, dashboards: dict[str, str] | None = None) -> None:
    """Add a department's screens (and dashboards) — how the next department's UI slots in."""
    if any(d.key == department.key for d in DEPARTMENTS):
        raise ValueError(f"department {department.key} is registered already")
    DEPARTMENTS.append(department)
    DASHBOARDS.update(dashboards or {})


def live_screens() -> list[Screen]:
    return [s for d in DEPARTMENTS for s in d.screens if s.live] + list(PRINTS)


def overview_roles() -> list[str]:
    """Roles without a dashboard: their home lists their departments' screens."""
    roles = {r for d in DEPARTMENTS for r in d.roles}
    return sorted(roles - set(DASHBOARDS))
