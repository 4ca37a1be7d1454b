"""Verification links: signed, not guessable, never a bearer token (no browser, no suite)."""
from __future__ import annotations

import jwt
import pytest
from servicekit.context import Caller

from gateway.accounts.tokens import TokenIssuer
from gateway.ui.qr import qr_svg
from gateway.ui.verify_links import InvalidLink, VerifyLinks

KEY = "k" * 48


def test_a_record_link_round_trips_and_a_changed_token_is_refused():
    links = VerifyLinks(KEY)
    token = links.for_record("marriages/0190c0de-0000-7000-8000-000000000001")
    assert links.read(token).record == "marriages/0190c0de-0000-7000-8000-000000000001"
    assert "0190c0de" not in token.split(".")[0]
    header, payload, signature = token.split(".")
    forged = jwt.encode({**jwt.decode(token, options={"verify_signature": False}),
                         "rec": "marriages/0190c0de-0000-7000-8000-000000000002"}, "g" * 48, algorithm="HS256")
    for bad in (forged, f"{header}.{payload}.{signature[:-2]}AA", "marriages/1"):
        with pytest.raises(InvalidLink):
            links.read(bad)
    with pytest.raises(InvalidLink):
        VerifyLinks("o" * 48).read(token)


def test_only_records_and_notices_are_linkable_and_bearer_tokens_are_not_links():
    links = VerifyLinks(KEY)
    with pytest.raises(ValueError):
        links.for_record("appointments/1")
    notice = {"no": "BY421281-20260101-ABCDEF", "detail": "男方（张*）在婚姻登记信息库中登记为有配偶"}
    assert links.read(links.for_notice(notice)).notice == notice
    bearer = TokenIssuer(KEY, 900).issue(Caller("marriage_registrar")).token
    with pytest.raises(InvalidLink):
        links.read(bearer)


def test_the_qr_code_is_svg():
    svg = qr_svg("http://127.0.0.1:8080/verify/abc.def.ghi")
    assert svg.startswith(b"<svg") or svg.startswith(b"<?xml")
    assert b"<path" in svg


def test_a_link_may_name_the_document_a_record_stands_behind():
    links = VerifyLinks(KEY)
    name = "divorceApplications/0190c0de-0000-7000-8000-000000000003"
    assert links.read(links.for_record(name)).document == ""
    assert links.read(links.for_record(name, "divorceCertificate")).document == "divorceCertificate"
    marriage = "marriages/0190c0de-0000-7000-8000-000000000001"
    assert links.read(links.for_record(marriage, "recordCertificate")).document == "recordCertificate"
    for record, document in ((name, "recordCertificate"), (name, "passport")):
        with pytest.raises(ValueError):
            links.for_record(record, document)
    made = jwt.decode(links.for_record(name), options={"verify_signature": False})
    forged = links._sign({**made, "doc": "passport"})  # signed, but no document the record has
    with pytest.raises(InvalidLink):
        links.read(forged)


def test_a_link_may_carry_the_number_printed_on_a_document_of_a_marriage_record():
    links = VerifyLinks(KEY)
    marriage = "marriages/0190c0de-0000-7000-8000-000000000001"
    for number in ("BJ421281-2024-000001", "BL421281-2024-000002", "ZM421281-2024-000003", "L421281-2024-000004"):
        assert links.read(links.for_record(marriage, "", number)).number == number
    assert links.read(links.for_record(marriage)).number == ""
    application = "divorceApplications/0190c0de-0000-7000-8000-000000000003"
    for record, number in ((application, "L421281-2024-000004"), (marriage, "J421281-2024-000001"),
                           (marriage, "BJ421281-2024-1"), (marriage, "<script>")):
        with pytest.raises(ValueError):
            links.for_record(record, "", number)
    made = jwt.decode(links.for_record(marriage), options={"verify_signature": False})
    for forged in ({**made, "num": "ZM421281-2024"}, {**made, "num": 7}):  # signed, but no printable number
        with pytest.raises(InvalidLink):
            links.read(links._sign(forged))
