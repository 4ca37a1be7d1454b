"""Keys and settings environment for a test run or a development stack."""
from __future__ import annotations

from dataclasses import dataclass

from servicekit.caller_token import CallerSigner, generate_keypair
from servicekit.context import Caller
from servicekit.pii import generate_key


@dataclass(frozen=True)
class Secrets:
    pii_key: str
    pii_hash_key: str
    caller_private_key: str
    caller_public_key: str

    @classmethod
    def generate(cls) -> "Secrets":
        private, public = generate_keypair()
        return cls(generate_key(), generate_key(), private, public)

    def service_env(self, database_url: str, nats_url: str) -> dict[str, str]:
        """The environment a service process needs (names match ServiceSettings)."""
        return {
            "DATABASE_URL": database_url,
            "NATS_URL": nats_url,
            "CIVIC_PII_KEY": self.pii_key,
            "CIVIC_PII_HASH_KEY": self.pii_hash_key,
            "CIVIC_CALLER_PUBLIC_KEY": self.caller_public_key,
        }

    def settings_kwargs(self, database_url: str, nats_url: str) -> dict[str, str]:
        """The same, as keyword arguments for a ServiceSettings class."""
        return {"DATABASE_URL": database_url, "NATS_URL": nats_url, "pii_key": self.pii_key,
                "pii_hash_key": self.pii_hash_key, "caller_public_key": self.caller_public_key}

    def caller_metadata(self, *roles: str, subject: str = "tester", jurisdiction: str = "",
                        scopes: tuple[str, ...] = (), request_id: str | None = None) -> tuple[tuple[str, str], ...]:
        """gRPC metadata carrying a caller token signed as the gateway would sign it."""
        token = CallerSigner(self.caller_private_key).sign(Caller(
            subject=subject, roles=frozenset(roles), scopes=frozenset(scopes), jurisdiction=jurisdiction))
        md = [("x-civic-caller", token)]
        if request_id:
            md.append(("x-request-id", request_id))
        return tuple(md)
