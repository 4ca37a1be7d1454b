"""The gateway-signed caller token and the per-method policy (design.md §5)."""
from __future__ import annotations

import time

import grpc
import jwt
import pytest
from civic.placenames.v1 import divisions_pb2
from cryptography.hazmat.primitives import serialization

from tests.servicekit.unit.kit_rpc_fakes import Context, Details, rich_status, run_chain
from servicekit import context
from servicekit.caller_token import AUDIENCE, ISSUER, METADATA_KEY, CallerSigner, CallerVerifier, generate_keypair
from servicekit.context import Caller
from servicekit.errors import DomainError, ErrorKind
from servicekit.interceptors import CallerAuthInterceptor, ErrorInterceptor
from servicekit.policy import method_descriptor, policy_of

PRIVATE, PUBLIC = generate_keypair()
OTHER_PRIVATE, OTHER_PUBLIC = generate_keypair()
CLERK = Caller(subject="u:42", roles=frozenset({"placenames_officer", "supervisor"}),
               scopes=frozenset({"feed.read"}), jurisdiction="421281")
SERVICE = divisions_pb2.DESCRIPTOR.services_by_name["DivisionService"]


def raw_token(**overrides: object) -> str:
    """A token signed with the gateway's key, with claims changed as a forger or a bug would."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u:1", "iat": now, "exp": now + 60, "roles": ["admin"],
              **overrides}
    claims = {k: v for k, v in claims.items() if v is not None}
    key = serialization.load_pem_private_key(PRIVATE.encode(), password=None)
    return jwt.encode(claims, key, algorithm="EdDSA")


def refused(token: str) -> DomainError:
    with pytest.raises(DomainError) as err:
        CallerVerifier(PUBLIC).verify(token)
    assert err.value.kind is ErrorKind.UNAUTHENTICATED
    assert err.value.reason == "INVALID_CALLER_TOKEN"
    return err.value



def refused_by(verifier: CallerVerifier, token: str) -> None:
    with pytest.raises(DomainError) as err:
        verifier.verify(token)
    assert (err.value.kind, err.value.reason) == (ErrorKind.UNAUTHENTICATED, "INVALID_CALLER_TOKEN")


def test_signing_key_rotation_without_refused_calls() -> None:
    """Rotating the gateway's key (docs/operations.md): services first accept both public keys, so
    tokens signed with either pass while the gateway rolls over; then the old key is dropped and its
    tokens are refused. Each token names its key (``kid``)."""
    old, new = CallerSigner(PRIVATE), CallerSigner(OTHER_PRIVATE)
    during = CallerVerifier(PUBLIC + OTHER_PUBLIC)
    assert during.verify(old.sign(CLERK)) == CLERK and during.verify(new.sign(CLERK)) == CLERK
    after = CallerVerifier(OTHER_PUBLIC)
    assert after.verify(new.sign(CLERK)) == CLERK
    refused_by(after, old.sign(CLERK))
    # A token that names no key (a gateway from before key ids) passes where one key is configured…
    assert CallerVerifier(PUBLIC).verify(raw_token(sub="u:7")).subject == "u:7"
    # …but not where several are, nor one naming a key nobody configured.
    refused_by(during, raw_token(sub="u:7"))
    key = serialization.load_pem_private_key(PRIVATE.encode(), password=None)
    forged = jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "u:1", "exp": int(time.time()) + 60},
                        key, algorithm="EdDSA", headers={"kid": "0123456789abcdef"})
    refused_by(during, forged)
    with pytest.raises(ValueError):
        CallerVerifier("not a key")


def test_round_trip_keeps_every_claim() -> None:
    caller = CallerVerifier(PUBLIC).verify(CallerSigner(PRIVATE).sign(CLERK))
    assert caller == CLERK


@pytest.mark.parametrize("remembered", [True, False])
def test_a_token_is_refused_once_it_expires_remembered_or_not(remembered) -> None:
    now = [time.time()]
    verifier = CallerVerifier(PUBLIC, clock=lambda: now[0])
    token = CallerSigner(PRIVATE).sign(CLERK, ttl_s=30)
    if remembered:
        assert verifier.verify(token) == CLERK
        assert verifier.verify(token) == CLERK
    now[0] += 30 + 4  # within the 5 s leeway
    assert verifier.verify(token) == CLERK
    now[0] += 2
    with pytest.raises(DomainError) as err:
        verifier.verify(token)
    assert err.value.reason == "INVALID_CALLER_TOKEN"


def test_a_refused_token_is_not_remembered() -> None:
    verifier = CallerVerifier(PUBLIC)
    forged = CallerSigner(OTHER_PRIVATE).sign(CLERK)
    for _ in range(2):
        with pytest.raises(DomainError):
            verifier.verify(forged)


def test_exchange_client_kind_survives() -> None:
    client = Caller(subject="c:province", scopes=frozenset({"feed.read"}), kind="client")
    assert CallerVerifier(PUBLIC).verify(CallerSigner(PRIVATE).sign(client)) == client


def test_token_signed_with_another_key_is_refused() -> None:
    refused(CallerSigner(OTHER_PRIVATE).sign(CLERK))


def test_tampered_token_is_refused() -> None:
    token = CallerSigner(PRIVATE).sign(Caller(subject="u:1", roles=frozenset({"auditor"})))
    header, payload, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b"auditor", b"admin\x20\x20")).decode()
    refused(f"{header}.{forged_payload}.{signature}")


def test_expired_token_is_refused() -> None:
    err = refused(CallerSigner(PRIVATE).sign(CLERK, ttl_s=-30))
    assert "Expired" in err.message


def test_token_inside_the_leeway_is_accepted() -> None:
    assert CallerVerifier(PUBLIC).verify(CallerSigner(PRIVATE).sign(CLERK, ttl_s=-2)) == CLERK


@pytest.mark.parametrize("claims", [
    {"aud": "some-other-service"},
    {"aud": None},
    {"iss": "someone-else"},
    {"iss": None},
    {"exp": None},
    {"sub": None},
])
def test_wrong_or_missing_registered_claims_are_refused(claims: dict) -> None:
    refused(raw_token(**claims))


def test_unsigned_and_garbage_tokens_are_refused() -> None:
    now = int(time.time())
    unsigned = jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "u:1", "exp": now + 60, "roles": ["admin"]},
                          key=None, algorithm="none")
    refused(unsigned)
    refused("not-a-token")
    refused("")


def test_keys_must_be_ed25519() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(ValueError):
        CallerSigner(pem)
    with pytest.raises(ValueError):
        CallerVerifier(pub)


# ---------------------------------------------------------------- policy


def test_policy_of_reads_roles_from_the_placenames_descriptor() -> None:
    create = policy_of(SERVICE.methods_by_name["CreateDivision"])
    assert create.roles == frozenset({"placenames_officer"})
    assert create.scopes == frozenset() and create.read_only is False
    get = policy_of(SERVICE.methods_by_name["GetDivision"])
    assert {"placenames_officer", "supervisor", "marriage_registrar", "auditor"} <= get.roles
    assert get.scopes == frozenset({"feed.read"}) and get.read_only is True


def test_policy_allows_by_role_or_scope() -> None:
    create = policy_of(SERVICE.methods_by_name["CreateDivision"])
    get = policy_of(SERVICE.methods_by_name["GetDivision"])
    assert create.allows(Caller("u", roles=frozenset({"placenames_officer"})))
    assert not create.allows(Caller("u", roles=frozenset({"marriage_registrar", "supervisor"})))
    assert not create.allows(Caller("c", scopes=frozenset({"feed.read"}), kind="client"))
    assert get.allows(Caller("c", scopes=frozenset({"feed.read"}), kind="client"))
    assert not get.allows(Caller("nobody"))


def test_method_descriptor_finds_only_known_methods() -> None:
    found = method_descriptor("/civic.placenames.v1.DivisionService/RenameDivision")
    assert found is not None and found.full_name == "civic.placenames.v1.DivisionService.RenameDivision"
    assert method_descriptor("/civic.placenames.v1.DivisionService/NoSuchMethod") is None
    assert method_descriptor("/civic.nothing.v1.Nope/Get") is None
    assert method_descriptor("garbage") is None


# ---------------------------------------------------------------- the interceptor


async def call_as(metadata: tuple[tuple[str, str], ...], method: str = "CreateDivision"):
    """Run the error + caller-auth interceptors around a handler that reports the bound caller."""
    ctx = Context()
    seen: list[Caller] = []

    async def handler() -> str:
        seen.append(context.current().caller)
        return "ok"

    chain = [ErrorInterceptor("placenames"), CallerAuthInterceptor(CallerVerifier(PUBLIC))]
    details = Details(f"/civic.placenames.v1.DivisionService/{method}", metadata)
    try:
        result = await run_chain(chain, details, ctx, handler)
    except grpc.aio.AbortError:
        result = None
    return result, seen, ctx


async def test_interceptor_binds_the_verified_caller_for_the_call() -> None:
    result, seen, _ = await call_as(((METADATA_KEY, CallerSigner(PRIVATE).sign(CLERK)),))
    assert result == "ok" and seen == [CLERK]
    assert context.current().caller.subject == "system"  # reset after the call


# Tokens are signed when the test runs (lambdas), not at collection: they live two minutes.
@pytest.mark.parametrize(("make_metadata", "code", "reason"), [
    (lambda: (), grpc.StatusCode.UNAUTHENTICATED, "CALLER_TOKEN_MISSING"),
    (lambda: ((METADATA_KEY, "forged"),), grpc.StatusCode.UNAUTHENTICATED, "INVALID_CALLER_TOKEN"),
    (lambda: ((METADATA_KEY, CallerSigner(OTHER_PRIVATE).sign(CLERK)),), grpc.StatusCode.UNAUTHENTICATED,
     "INVALID_CALLER_TOKEN"),
    (lambda: ((METADATA_KEY, CallerSigner(PRIVATE).sign(Caller("u", roles=frozenset({"supervisor"})))),),
     grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED"),
], ids=["missing", "forged", "other-key", "wrong-role"])
async def test_interceptor_refuses(make_metadata, code: grpc.StatusCode, reason: str) -> None:
    metadata = make_metadata()
    from google.rpc import error_details_pb2

    result, seen, ctx = await call_as(metadata)
    assert result is None and seen == []
    assert ctx.aborted.code == code
    info = error_details_pb2.ErrorInfo()
    assert rich_status(ctx.aborted).details[0].Unpack(info) and info.reason == reason


async def test_interceptor_refuses_methods_without_a_policy() -> None:
    result, seen, ctx = await call_as(((METADATA_KEY, CallerSigner(PRIVATE).sign(CLERK)),), method="Unknown")
    assert result is None and seen == [] and ctx.aborted.code == grpc.StatusCode.PERMISSION_DENIED
