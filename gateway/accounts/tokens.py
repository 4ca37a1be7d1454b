"""The gateway's bearer tokens: short-lived JWTs (HS256, the gateway's own key) with a `jti` so that
one token can be revoked. Services never see them; they get the signed caller token instead."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import jwt
from servicekit.context import Caller
from servicekit.uuid7 import uuid7
from servicekit.verified import VerifiedTokens

ISSUER = "civic-gateway"
AUDIENCE = "civic-api"
ALGORITHM = "HS256"
LEEWAY_S = 5


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    """Who a bearer token speaks for."""

    caller: Caller
    token_id: str
    issued_at: float
    expires_at: float
    display_name: str = ""
    # When the person signed in with their password: a renewed token keeps it, so a session ends
    # at the longest a sign-in may last however often it was renewed (``SignIn.renew``).
    auth_time: float = 0.0
    # A registrar's last passed training assessment when the token was issued (rules.md §1.4): the
    # gateway checks it against its today on each registering call (gateway.accounts.qualification).
    assessed_on: dt.date | None = None

    @property
    def subject(self) -> str:
        return self.caller.subject


@dataclass(frozen=True)
class IssuedToken:
    token: str
    principal: Principal

    def oauth_body(self) -> dict[str, object]:
        """The RFC 6749 §5.1 token response."""
        caller = self.principal.caller
        return {
            "access_token": self.token,
            "token_type": "Bearer",
            "expires_in": round(self.principal.expires_at - self.principal.issued_at),
            "scope": " ".join(sorted(caller.scopes)),
        }


class TokenIssuer:
    def __init__(self, key: str, ttl_s: int) -> None:
        self._key = key
        self.ttl_s = ttl_s
        self._verified: VerifiedTokens[Principal] = VerifiedTokens()

    def issue(
        self,
        caller: Caller,
        display_name: str = "",
        auth_time: float | None = None,
        assessed_on: dt.date | None = None,
    ) -> IssuedToken:
        now = round(time.time(), 3)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": caller.subject,
            "jti": str(uuid7()),
            "iat": now,
            "exp": round(now + self.ttl_s, 3),
            "kind": caller.kind,
            "roles": sorted(caller.roles),
            "scopes": sorted(caller.scopes),
            "jur": caller.jurisdiction,
            "name": display_name,
            "auth_time": now if auth_time is None else auth_time,
        }
        if assessed_on is not None:
            claims["assessed"] = assessed_on.isoformat()
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM)
        return IssuedToken(token, _principal(claims))

    def verify(self, token: str) -> Principal:
        """The token's principal; revocation is the caller's check (``Authenticator``)."""
        return self._verified.verify(token, self._check)

    def _check(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "jti"]},
                leeway=LEEWAY_S,
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(type(exc).__name__) from exc
        principal = _principal(claims)
        return principal, principal.expires_at + LEEWAY_S


def _principal(claims: dict) -> Principal:
    caller = Caller(
        subject=claims["sub"],
        roles=frozenset(claims.get("roles", ())),
        scopes=frozenset(claims.get("scopes", ())),
        jurisdiction=claims.get("jur", ""),
        kind=claims.get("kind", "staff"),
    )
    issued_at = float(claims["iat"])
    assessed = claims.get("assessed")
    return Principal(
        caller, claims["jti"], issued_at, float(claims["exp"]), claims.get("name", ""),
        float(claims.get("auth_time", issued_at)),
        dt.date.fromisoformat(assessed) if isinstance(assessed, str) else None,
    )
