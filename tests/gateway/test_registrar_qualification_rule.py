"""rules.md §1.4: a registrar registers only within 2 years of a passed training assessment. The date
rule at its boundaries, and which calls are registering — derived from the protos' policies."""

from __future__ import annotations

import datetime as dt

from civic.marriage.v1 import marriage_service_pb2
from servicekit.context import Caller
from servicekit.identifiers import age_on
from servicekit.policy import policy_of

from gateway.accounts import qualification as q

MARRIAGE = marriage_service_pb2.DESCRIPTOR.services_by_name["MarriageService"]
POLICY = {m.name: policy_of(m) for m in MARRIAGE.methods}
LAPSED = dt.date(2024, 3, 1)


def registrar(*more: str) -> Caller:
    return Caller("clerk", roles=frozenset({"marriage_registrar", *more}), jurisdiction="421281")


def test_qualified_through_the_day_two_years_on_and_not_the_day_after():
    assessed = dt.date(2024, 3, 1)
    assert q.qualified_until(assessed) == dt.date(2026, 3, 1)
    assert q.is_qualified(assessed, dt.date(2024, 3, 1))
    assert q.is_qualified(assessed, dt.date(2026, 3, 1))
    assert not q.is_qualified(assessed, dt.date(2026, 3, 2))
    assert not q.is_qualified(None, dt.date(2024, 3, 1))


def test_29_february_counts_years_as_age_on_does():
    leap = dt.date(2024, 2, 29)
    assert q.qualified_until(leap) == dt.date(2026, 3, 1)  # a common year: 1 March, as 周岁 are counted
    assert age_on(leap, dt.date(2026, 3, 1)) == 2 and age_on(leap, dt.date(2026, 2, 28)) == 1
    assert q.is_qualified(leap, dt.date(2026, 3, 1))
    assert not q.is_qualified(leap, dt.date(2026, 3, 2))
    assert q.years_after(leap, 4) == dt.date(2028, 2, 29)  # a leap year keeps the day


def test_the_home_page_standing_warns_from_60_days_before_the_lapse():
    assessed = dt.date(2024, 3, 1)  # last qualified day 2026-03-01
    assert (dt.date(2026, 3, 1) - dt.date(2025, 12, 31)).days == 60
    assert q.standing(assessed, dt.date(2025, 12, 31)).to_json()["state"] == "LAPSING"  # 60 days left
    assert q.standing(assessed, dt.date(2025, 12, 30)).state == "CURRENT"  # 61
    assert q.standing(assessed, dt.date(2026, 3, 1)).to_json() == {
        "state": "LAPSING", "assessedOn": "2024-03-01", "qualifiedUntil": "2026-03-01", "daysLeft": 0}
    assert q.standing(assessed, dt.date(2026, 3, 2)).state == "LAPSED"
    assert q.standing(None, dt.date(2026, 3, 2)).to_json()["state"] == "UNRECORDED"


def test_registering_calls_are_the_registration_acts_the_policies_mark():
    """"No registering" (§1.4): the acts of 婚姻登记 — not the registrar's other work, which includes
    the duty to record and report domestic violence and suspected trafficking (§1.9)."""
    registering = {name for name, policy in POLICY.items() if q.registers(policy)}
    assert registering == {"RegisterMarriage", "ApplyDivorce", "RegisterDivorce", "RefuseDivorce",
                           "PrintDivorceCertificate", "RevokeRegistration", "DecideRevocation", "PrintCertificate",
                           "ReissueCertificate", "UseCertificateBlank"}
    assert not registering & {"RecordCounselingConcern", "OpenCounselingCase", "CreateAppointment",
                              "ProposeCorrection", "ImportHistoricalRecords", "UpsertOffice"}
    for name in registering:
        assert "marriage_registrar" in POLICY[name].roles and not POLICY[name].read_only


def test_a_lapsed_registrar_is_blocked_only_where_no_other_role_admits_the_call():
    today = dt.date(2026, 6, 1)
    assert q.blocked(registrar(), POLICY["RegisterMarriage"], LAPSED, today)
    assert q.blocked(registrar(), POLICY["RegisterMarriage"], None, today)
    assert not q.blocked(registrar(), POLICY["RegisterMarriage"], dt.date(2025, 6, 1), today)
    assert not q.blocked(registrar(), POLICY["GetMarriage"], LAPSED, today)  # reads stay allowed
    assert not q.blocked(registrar("marriage_counselor"), POLICY["OpenCounselingCase"], LAPSED, today)
    assert not q.blocked(registrar("admin"), POLICY["UpsertOffice"], LAPSED, today)
    assert not q.blocked(registrar("supervisor"), POLICY["ApproveCorrection"], LAPSED, today)
    assert q.blocked(registrar("supervisor"), POLICY["ReissueCertificate"], LAPSED, today)
    # Not registering: the registrar's other work, the duty to report among it, stays open.
    for work in ("RecordCounselingConcern", "CreateAppointment", "ProposeCorrection", "UpsertOffice"):
        assert not q.blocked(registrar(), POLICY[work], LAPSED, today), work
    counselor = Caller("c", roles=frozenset({"marriage_counselor"}))
    assert not q.blocked(counselor, POLICY["OpenCounselingCase"], None, today)


def test_the_signed_caller_of_a_lapsed_registrar_lacks_the_role_on_registering_calls_only():
    today = dt.date(2026, 6, 1)
    act = q.signed_caller(registrar("marriage_counselor"), POLICY["RegisterMarriage"], LAPSED, today)
    assert act.roles == {"marriage_counselor"}
    work = q.signed_caller(registrar(), POLICY["RecordCounselingConcern"], LAPSED, today)
    assert work.roles == {"marriage_registrar"}
    read = q.signed_caller(registrar(), POLICY["GetMarriage"], LAPSED, today)
    assert read.roles == {"marriage_registrar"}
    current = q.signed_caller(registrar(), POLICY["RegisterMarriage"], dt.date(2025, 6, 1), today)
    assert current.roles == {"marriage_registrar"}


def test_the_refusal_names_the_date_or_says_none_is_recorded():
    lapsed = q.not_qualified(LAPSED)
    assert (lapsed.status, lapsed.reason) == (403, "REGISTRAR_NOT_QUALIFIED")
    assert lapsed.detail == ("婚姻登记员培训考核已超过两年（最近一次合格：2024-03-01），"
                             "须经市级以上民政部门培训考核合格后方可办理登记")
    assert q.not_qualified(None).detail == "未登记培训考核合格日期，请账号管理员登记"
