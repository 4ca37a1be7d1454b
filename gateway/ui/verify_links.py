"""Signed verification links (`/verify/<token>`): what a QR code on a certificate or notice carries.

The token is a JWT (HS256) under a key derived from the gateway's token key, so it cannot be made
or altered without the gateway, and it is never accepted as a bearer token (different key and
audience). It names a record (`marriages/{id}`, `divorceApplications/{id}`) whose current state
the page looks up, or — for a refusal notice, which is not a record — holds the notice itself
(masked). Printed documents live for decades: the token does not expire.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import jwt

AUDIENCE = "civic-verify"
ALGORITHM = "HS256"
KEY_CONTEXT = b"civic-ui-verify-link-v1"
RECORD_COLLECTIONS = ("marriages/", "divorceApplications/")
# The printed document a link is on, where one record stands behind several (none named: the record's
# own — a marriage certificate, an acceptance receipt): a divorce certificate (of an application, or a
# replacement printed from the marriage record) or a marriage-record certificate. It decides whether
# the record's state today still bears the document out.
DOCUMENTS = {"divorceCertificate": ("divorceApplications/", "marriages/"), "recordCertificate": ("marriages/",)}
# A document printed from a marriage record under a number of its own (a replacement BJ…/BL…, a record
# certificate ZM…) carries that number, so the page shows the number on the paper; the marriage service
# checks that the record issued it.
DOCUMENT_NUMBER = re.compile(r"(BJ|BL|L|ZM)\d{6}-\d{4}-\d{6}")


class InvalidLink(Exception):
    pass


class _Utf8Json(json.JSONEncoder):
    """Chinese text as UTF-8, not \\u escapes: half the size in the QR code."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**{**options, "ensure_ascii": False})


@dataclass(frozen=True)
class LinkClaims:
    record: str  # resource name, or "" for a refusal notice
    notice: dict[str, Any]  # the refusal notice's masked content, or {} for a record
    document: str = ""  # a key of DOCUMENTS, or "" for the record's own document
    number: str = ""  # the printed document's own number, where it is not the record's


def is_record_name(name: str) -> bool:
    return any(name.startswith(c) and len(name) > len(c) and "/" not in name[len(c):]
               for c in RECORD_COLLECTIONS)


def is_document_of(document: str, name: str) -> bool:
    return not document or (document in DOCUMENTS and name.startswith(DOCUMENTS[document]))  # str.startswith(tuple)


def is_number_for(number: str, name: str) -> bool:
    return not number or (name.startswith("marriages/") and DOCUMENT_NUMBER.fullmatch(number) is not None)


class VerifyLinks:
    def __init__(self, token_key: str) -> None:
        # A key of its own: a verification token can never pass for a bearer token or the reverse.
        self._key = hmac.new(token_key.encode(), KEY_CONTEXT, hashlib.sha256).digest()

    def for_record(self, name: str, document: str = "", number: str = "") -> str:
        if not is_record_name(name) or not is_document_of(document, name) or not is_number_for(number, name):
            raise ValueError(f"not a verifiable record name or document: {name!r} {document!r} {number!r}")
        optional = {"doc": document, "num": number}
        return self._sign({"rec": name, **{key: value for key, value in optional.items() if value}})

    def for_notice(self, notice: dict[str, Any]) -> str:
        return self._sign({"notice": notice})

    def _sign(self, claims: dict[str, Any]) -> str:
        # Short claims: the token is printed as a QR code, and a denser code scans worse.
        return jwt.encode({"aud": AUDIENCE, "iat": int(time.time()), **claims}, self._key, algorithm=ALGORITHM,
                          json_encoder=_Utf8Json)

    def read(self, token: str) -> LinkClaims:
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM], audience=AUDIENCE,
                                options={"require": ["iat", "aud"]})
        except jwt.PyJWTError as exc:
            raise InvalidLink(type(exc).__name__) from exc
        record, notice, document = claims.get("rec", ""), claims.get("notice", {}), claims.get("doc", "")
        number = claims.get("num", "")
        if isinstance(record, str) and is_record_name(record) and not notice and isinstance(document, str) \
                and is_document_of(document, record) and isinstance(number, str) \
                and is_number_for(number, record):
            return LinkClaims(record, {}, document, number)
        if isinstance(notice, dict) and notice and not record:
            return LinkClaims("", notice)
        raise InvalidLink("claims")
