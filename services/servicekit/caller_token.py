"""The signed caller token: the gateway signs (Ed25519, private key), services verify (public key).

Services never trust an unsigned caller and cannot mint tokens themselves.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from servicekit.context import Caller
from servicekit.errors import unauthenticated
from servicekit.verified import VerifiedTokens

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


def key_id(public: Ed25519PublicKey) -> str:
    """The token header's ``kid``: which public key verifies it (16 hex digits of its SHA-256)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


_PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


def public_keys(pem_text: str) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 public keys in ``pem_text`` (one PEM block or several, one after another), by
    key id. Several while the gateway's signing key is being rotated: the new one is added first,
    the old one removed once the gateway signs with the new one (docs/operations.md)."""
    keys: dict[str, Ed25519PublicKey] = {}
    for block in _PEM_BLOCK.findall(pem_text):
        key = serialization.load_pem_public_key(block.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the caller-verifying key must be Ed25519")
        keys[key_id(key)] = key
    if not keys:
        raise ValueError("no caller-verifying public key (PEM) given")
    return keys


class CallerSigner:
    def __init__(self, private_pem: str) -> None:
        key = serialization.load_pem_private_key(private_pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the caller-signing key must be Ed25519")
        self._key = key
        self._headers = {"kid": key_id(key.public_key())}

    def sign(self, caller: Caller, ttl_s: int = TTL_S) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER, "aud": AUDIENCE, "sub": caller.subject, "iat": now, "exp": now + ttl_s,
            "roles": sorted(caller.roles), "scopes": sorted(caller.scopes),
            "jur": caller.jurisdiction, "kind": caller.kind,
        }
        return jwt.encode(claims, self._key, algorithm="EdDSA", headers=self._headers)


LEEWAY_S = 5


class CallerVerifier:
    def __init__(self, public_pem: str, clock: Callable[[], float] = time.time) -> None:
        """``public_pem``: the gateway's public key, or several PEM blocks during a rotation."""
        self._keys = public_keys(public_pem)
        self._clock = clock
        self._verified: VerifiedTokens[Caller] = VerifiedTokens(clock)

    def verify(self, token: str) -> Caller:
        return self._verified.verify(token, self._check)

    def _key_for(self, token: str) -> Ed25519PublicKey:
        """The key the token names (``kid``); one without a name, from a gateway older than key ids,
        only when a single key is configured."""
        kid = jwt.get_unverified_header(token).get("kid")
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise jwt.InvalidKeyError("unknown key id")
        return key

    def _check(self, token: str) -> tuple[Caller, float]:
        try:
            claims = jwt.decode(token, self._key_for(token), algorithms=["EdDSA"], audience=AUDIENCE,
                                issuer=ISSUER, options={"require": ["exp", "sub", "aud", "iss"],
                                                        "verify_exp": False})
            if not isinstance(claims["exp"], (int, float)) or self._clock() >= claims["exp"] + LEEWAY_S:
                raise jwt.ExpiredSignatureError("Signature has expired")
        except jwt.PyJWTError as exc:
            raise unauthenticated("INVALID_CALLER_TOKEN", f"调用方凭证无效：{type(exc).__name__}") from exc
        caller = Caller(subject=claims["sub"], roles=frozenset(claims.get("roles", [])),
                        scopes=frozenset(claims.get("scopes", [])), jurisdiction=claims.get("jur", ""),
                        kind=claims.get("kind", "staff"))
        return caller, float(claims["exp"]) + LEEWAY_S
