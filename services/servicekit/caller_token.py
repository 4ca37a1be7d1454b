"""The signed caller token: the gateway signs (Ed25519, private key), services verify (public key).

Services never trust an unsigned caller and cannot mint tokens themselves.
"""
from __future__ import annotations

import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from servicekit.context import Caller
from servicekit.errors import unauthenticated

METADATA_KEY = "x-civic-caller"
AUDIENCE = "civic-services"
ISSUER = "civic-gateway"
TTL_S = 120


def generate_keypair() -> tuple[str, str]:
    """(private PEM, public PEM) for a new gateway signing key."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


class CallerSigner:
    def __init__(self, private_pem: str) -> None:
        key = serialization.load_pem_private_key(private_pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the caller-signing key must be Ed25519")
        self._key = key

    def sign(self, caller: Caller, ttl_s: int = TTL_S) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER, "aud": AUDIENCE, "sub": caller.subject, "iat": now, "exp": now + ttl_s,
            "roles": sorted(caller.roles), "scopes": sorted(caller.scopes),
            "jur": caller.jurisdiction, "kind": caller.kind,
        }
        return jwt.encode(claims, self._key, algorithm="EdDSA")


class CallerVerifier:
    def __init__(self, public_pem: str) -> None:
        key = serialization.load_pem_public_key(public_pem.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the caller-verifying key must be Ed25519")
        self._key = key

    def verify(self, token: str) -> Caller:
        try:
            claims = jwt.decode(token, self._key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER,
                                options={"require": ["exp", "sub", "aud", "iss"]}, leeway=5)
        except jwt.PyJWTError as exc:
            raise unauthenticated("INVALID_CALLER_TOKEN", f"调用方凭证无效：{type(exc).__name__}") from exc
        return Caller(subject=claims["sub"], roles=frozenset(claims.get("roles", [])),
                      scopes=frozenset(claims.get("scopes", [])), jurisdiction=claims.get("jur", ""),
                      kind=claims.get("kind", "staff"))
