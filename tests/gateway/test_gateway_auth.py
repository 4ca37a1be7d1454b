"""Sign-in (password and client-credentials grants), back-off and lock-out, sign-out, accounts."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import os
import subprocess
import sys

import jwt
import pytest
from pydantic import ValidationError
from servicekit.testing.plugin import unique
from sqlalchemy import text

from gateway.accounts import qualification
from gateway.accounts.bootstrap import demo_logins
from gateway.accounts.roles import ROLES
from gateway.accounts.store import Actor, NewClient

PASSWORD = "correct horse battery"


async def sign_in(gw, username: str, password: str = PASSWORD):
    return await gw.client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_password_grant_issues_a_short_lived_token(start_gateway) -> None:
    gw = await start_gateway()
    username = await gw.add_user("marriage_registrar", jurisdiction="421281")
    form = await sign_in(gw, username.upper())  # user names are case-insensitive
    assert form.status_code == 200, form.text
    body = form.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= 900 and claims["jti"]
    as_json = await gw.client.post(
        "/v1/auth/token", json={"grantType": "password", "username": username, "password": PASSWORD}
    )
    assert as_json.status_code == 200
    me = await gw.client.get("/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assessed = gw.clock.today() - dt.timedelta(days=100)
    assert me.json() | {"expireTime": None} == {
        "subject": username,
        "kind": "staff",
        "displayName": "",
        "roles": ["marriage_registrar"],
        "scopes": [],
        "jurisdiction": "421281",
        "expireTime": None,
        # add_user's registrar passed the training assessment 100 days ago (rules.md §1.4)
        "registrarQualification": qualification.standing(assessed, gw.clock.today()).to_json(),
    }
    assert me.json()["registrarQualification"]["assessedOn"] == assessed.isoformat()


async def test_wrong_and_unknown_credentials_look_the_same(start_gateway) -> None:
    gw = await start_gateway()
    username = await gw.add_user("supervisor")
    wrong = await sign_in(gw, username, "not the password")
    unknown = await sign_in(gw, unique("nobody"), "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["reason"] == unknown.json()["reason"] == "INVALID_CREDENTIALS"
    missing = await gw.client.post("/v1/auth/token", data={"grant_type": "password", "username": username})
    assert missing.status_code == 400 and missing.json()["violations"] == [
        {"field": "password", "description": "必填"}
    ]
    grant = await gw.client.post("/v1/auth/token", data={"grant_type": "implicit"})
    assert grant.status_code == 400 and grant.json()["reason"] == "UNSUPPORTED_GRANT_TYPE"


async def test_back_off_then_lock_out_after_five_failures(start_gateway) -> None:
    gw = await start_gateway()
    username = await gw.add_user("supervisor")
    assert (await sign_in(gw, username, "wrong-1")).status_code == 401  # a typo costs nothing
    assert (await sign_in(gw, username, "wrong-2")).status_code == 401
    throttled = await sign_in(gw, username, PASSWORD)  # even the right password waits its turn
    assert throttled.status_code == 429 and throttled.json()["reason"] == "SIGN_IN_THROTTLED"
    assert throttled.headers["retry-after"] == "1"
    for wait_s, attempt in ((1, "wrong-3"), (2, "wrong-4")):
        gw.clock.advance(seconds=wait_s)
        assert (await sign_in(gw, username, attempt)).status_code == 401
    gw.clock.advance(seconds=4)
    locked = await sign_in(gw, username, "wrong-5")
    assert locked.status_code == 429 and locked.json()["reason"] == "ACCOUNT_LOCKED"
    assert locked.headers["retry-after"] == "900"
    gw.clock.advance(seconds=899)
    still = await sign_in(gw, username, PASSWORD)
    assert still.status_code == 429 and still.json()["reason"] == "ACCOUNT_LOCKED"
    gw.clock.advance(seconds=2)
    assert (await sign_in(gw, username, PASSWORD)).status_code == 200
    account = await gw.gateway.store.get_user(username, Actor("test"))
    assert account.failed_attempts == 0 and account.locked_until is None


async def test_parallel_guesses_are_counted_one_by_one(start_gateway) -> None:
    gw = await start_gateway(login_max_failures=3)
    username = await gw.add_user("supervisor")
    replies = await asyncio.gather(*(sign_in(gw, username, f"guess-{n}") for n in range(6)))
    assert sorted(r.status_code for r in replies).count(401) <= 2
    assert any(r.json()["reason"] in ("SIGN_IN_THROTTLED", "ACCOUNT_LOCKED") for r in replies)


async def test_sign_out_revokes_the_token_here_and_on_other_replicas(start_gateway, backend) -> None:
    gw = await start_gateway(backend=backend)
    other_replica = await start_gateway(backend=backend)
    username = await gw.add_user("supervisor")
    token, second = await gw.token(username), await gw.token(username)
    assert (await other_replica.client.get("/v1/auth/me", headers=bearer(token))).status_code == 200
    assert (await gw.client.post("/v1/auth/revoke", headers=bearer(token))).status_code == 204
    me = await gw.client.get("/v1/auth/me", headers=bearer(token))
    assert me.status_code == 401 and me.json()["reason"] == "TOKEN_REVOKED"
    assert (await gw.client.get("/v1/divisions/421281", headers=bearer(token))).status_code == 401
    assert (await gw.client.get("/v1/auth/me", headers=bearer(second))).status_code == 200  # only that token
    for _ in range(50):
        if (await other_replica.client.get("/v1/auth/me", headers=bearer(token))).status_code == 401:
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the other replica still accepts a revoked token")


async def test_expired_and_forged_tokens_are_refused(start_gateway) -> None:
    gw = await start_gateway(token_ttl_s=60)
    token = await gw.token(await gw.add_user("supervisor"))
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(
        {**claims, "roles": ["admin"]}, "another key of at least thirty-two bytes", algorithm="HS256"
    )
    expired = jwt.encode({**claims, "exp": claims["iat"] - 30}, "k" * 48, algorithm="HS256")
    for bad in (forged, expired, token + "x"):
        reply = await gw.client.get("/v1/auth/me", headers=bearer(bad))
        assert reply.status_code == 401 and reply.json()["reason"] == "INVALID_TOKEN"


async def test_client_credentials_with_scopes(start_gateway) -> None:
    gw = await start_gateway()
    client_id = unique("province-")
    reply = await gw.client.post(
        "/v1/admin/clients",
        headers=await gw.headers("admin", jurisdiction=""),
        json={"clientId": client_id, "scopes": ["feed.read", "import.write"]},
    )
    assert reply.status_code == 201, reply.text
    secret = reply.json()["clientSecret"]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    token = await gw.client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "scope": "feed.read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert token.status_code == 200 and token.json()["scope"] == "feed.read"
    me = (await gw.client.get("/v1/auth/me", headers=bearer(token.json()["access_token"]))).json()
    assert me["kind"] == "client" and me["scopes"] == ["feed.read"] and me["subject"] == f"client:{client_id}"
    post = await gw.client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert post.json()["scope"] == "feed.read import.write"
    too_much = await gw.client.post(
        "/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "admin",
        },
    )
    assert too_much.status_code == 400 and too_much.json()["reason"] == "INVALID_SCOPE"
    wrong = await gw.client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "guess"},
    )
    assert wrong.status_code == 401  # an integrator's error names what an integrator sent
    assert (wrong.json()["reason"], wrong.json()["detail"]) == ("INVALID_CREDENTIALS", "客户端标识或密钥错误")


async def test_sign_in_is_rate_limited_per_address(start_gateway) -> None:
    gw = await start_gateway(auth_rate_per_minute=3)
    replies = [await sign_in(gw, "nobody", "x") for _ in range(4)]
    assert [r.status_code for r in replies] == [401, 401, 401, 429]
    assert replies[-1].json()["reason"] == "RATE_LIMITED"


async def test_admin_api(start_gateway) -> None:
    gw = await start_gateway()
    admin = await gw.headers("admin", jurisdiction="421281")
    username = unique("clerk")
    new = {
        "username": username,
        "password": PASSWORD,
        "roles": ["marriage_registrar"],
        "jurisdiction": "421281",
        "displayName": "张三",
    }
    assert (await gw.client.post("/v1/admin/users", json=new)).status_code == 401
    assert (
        await gw.client.post("/v1/admin/users", json=new, headers=await gw.headers("supervisor"))
    ).status_code == 403
    created = await gw.client.post("/v1/admin/users", json=new, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["displayName"] == "张三" and "password" not in created.text
    assert (await gw.client.post("/v1/admin/users", json=new, headers=admin)).status_code == 409
    bad = await gw.client.post(
        "/v1/admin/users",
        headers=admin,
        json={"username": "x", "password": "short", "roles": ["king"], "jurisdiction": "420000", "extra": 1},
    )
    assert bad.status_code == 400
    assert {v["field"] for v in bad.json()["violations"]} == {"extra"}
    bad = await gw.client.post(
        "/v1/admin/users",
        headers=admin,
        json={"username": "x", "password": "short", "roles": ["king"], "jurisdiction": "420000"},
    )
    assert {v["field"] for v in bad.json()["violations"]} == {"username", "password", "roles", "jurisdiction"}
    listed = (await gw.client.get("/v1/admin/users", headers=admin)).json()["users"]
    assert username in {u["username"] for u in listed}
    assert all(u["jurisdiction"].startswith("421281") for u in listed)
    outsider = await gw.add_user("supervisor", jurisdiction="420100")
    assert (await gw.client.get(f"/v1/admin/users/{outsider}", headers=admin)).status_code == 404

    old_token = await gw.token(username)
    changed = await gw.client.patch(
        f"/v1/admin/users/{username}", headers=admin, json={"roles": ["marriage_counselor"]}
    )
    assert changed.status_code == 200 and changed.json()["roles"] == ["marriage_counselor"]
    assert (await gw.client.get("/v1/auth/me", headers=bearer(old_token))).status_code == 401
    me = await gw.client.get("/v1/auth/me", headers=bearer(await gw.token(username)))
    assert me.json()["roles"] == ["marriage_counselor"]

    assert (
        await gw.client.patch(f"/v1/admin/users/{username}", headers=admin, json={"active": False})
    ).status_code == 200
    disabled = await sign_in(gw, username)
    assert disabled.status_code == 403 and disabled.json()["reason"] == "ACCOUNT_DISABLED"

    async with gw.gateway.db.transaction() as session:
        actions = (
            await session.execute(
                text(
                    "SELECT action, actor, reason, office_code FROM gateway.audit_log WHERE resource = :r "
                    "ORDER BY at, id"
                ),
                {"r": f"users/{username}"},
            )
        ).all()
    assert [a.action for a in actions] == ["account.create", "account.update", "account.update"]
    assert actions[1].reason == "changed: roles"
    assert {a.office_code for a in actions} == {"421281"}  # the account's jurisdiction


async def test_admin_unlocks_a_locked_account(start_gateway) -> None:
    gw = await start_gateway(login_max_failures=1)
    username = await gw.add_user("supervisor")
    assert (await sign_in(gw, username, "wrong")).json()["reason"] == "ACCOUNT_LOCKED"
    admin = await gw.headers("admin", jurisdiction="")
    unlocked = await gw.client.post(f"/v1/admin/users/{username}:unlock", headers=admin)
    assert unlocked.status_code == 200 and unlocked.json()["lockedUntil"] is None
    assert (await sign_in(gw, username)).status_code == 200


async def test_bootstrap_admin_and_demo_accounts(start_gateway) -> None:
    name = unique("root")
    gw = await start_gateway(bootstrap_admin=f"{name}:first-admin-password", demo_accounts=True)
    await start_gateway(
        bootstrap_admin=f"{name}:another-password", demo_accounts=True
    )  # a restart: no change
    root = await sign_in(gw, name, "first-admin-password")
    assert root.status_code == 200
    assert (await gw.client.get("/v1/auth/me", headers=bearer(root.json()["access_token"]))).json()[
        "roles"
    ] == ["admin"]
    logins = demo_logins()
    assert {login.grants[0] for login in logins if login.kind == "staff"} == set(ROLES)
    for login in logins:
        if login.kind == "staff":
            reply = await sign_in(gw, login.name, login.secret)
        else:
            reply = await gw.client.post(
                "/v1/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": login.name,
                    "client_secret": login.secret,
                },
            )
        assert reply.status_code == 200, (login.name, reply.text)


def test_demo_accounts_and_weak_keys_are_refused_in_production(make_settings) -> None:
    with pytest.raises(ValidationError, match="development only"):
        make_settings(environment="production", demo_accounts=True)
    with pytest.raises(ValidationError):
        make_settings(token_key="short")
    with pytest.raises(ValidationError):
        make_settings(bootstrap_admin="no-password-here")


async def test_users_add_command(start_gateway, infra) -> None:
    gw = await start_gateway()
    username = unique("cli")
    env = {**os.environ, "DATABASE_URL": infra.database_url}
    command = [
        sys.executable,
        "-m",
        "gateway",
        "users",
        "add",
        username,
        "--role",
        "marriage_registrar",
        "--jurisdiction",
        "421281",
        "--password-stdin",
    ]
    done = await asyncio.to_thread(
        subprocess.run, command, input=PASSWORD + "\n", env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert (await sign_in(gw, username)).status_code == 200
    refused = await asyncio.to_thread(
        subprocess.run,
        [*command[:7], "king", *command[8:]],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and "roles" in refused.stderr


async def test_an_admin_cannot_lock_themselves_out(start_gateway) -> None:
    gw = await start_gateway()
    admin = await gw.add_user("admin", jurisdiction="")
    headers = bearer(await gw.token(admin))
    for change in ({"active": False}, {"roles": ["supervisor"]}):
        refused = await gw.client.patch(f"/v1/admin/users/{admin}", headers=headers, json=change)
        assert refused.status_code == 409 and refused.json()["reason"] == "OWN_ADMIN_ACCESS"
    renamed = await gw.client.patch(
        f"/v1/admin/users/{admin}", headers=headers, json={"displayName": "管理员"}
    )
    assert renamed.status_code == 200 and renamed.json()["displayName"] == "管理员"


async def renew(gw, token: str):
    return await gw.client.post("/v1/auth/renew", headers=bearer(token))


async def test_staff_renew_a_session_until_the_working_day_is_over(start_gateway) -> None:
    """A window's session lasts while it is used: a token renewed before it expires gives a new one
    (the old one stops working), keeping the sign-in time, until session_max_s after the password."""
    gw = await start_gateway(session_max_s=8 * 3600)
    username = await gw.add_user("marriage_registrar", jurisdiction="421281")
    first = await gw.token(username)
    reply = await renew(gw, first)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    second = body["access_token"]
    old, new = (jwt.decode(t, options={"verify_signature": False}) for t in (first, second))
    assert new["jti"] != old["jti"] and new["auth_time"] == old["auth_time"] and new["exp"] >= old["exp"]
    me = await gw.client.get("/v1/auth/me", headers=bearer(second))
    assert me.status_code == 200 and me.json()["roles"] == ["marriage_registrar"]
    stale = await gw.client.get("/v1/auth/me", headers=bearer(first))
    assert stale.status_code == 401 and stale.json()["reason"] == "TOKEN_REVOKED"
    assert (await renew(gw, first)).status_code == 401  # a replaced token renews nothing

    gw.clock.advance(hours=7, minutes=59)
    third = await renew(gw, second)
    assert third.status_code == 200
    gw.clock.advance(minutes=1)
    over = await renew(gw, third.json()["access_token"])
    assert over.status_code == 401 and over.json()["reason"] == "SESSION_EXPIRED"
    assert "8 小时" in over.json()["detail"]
    assert (await sign_in(gw, username)).status_code == 200  # the password starts a new day


async def test_renewal_reads_the_account_and_is_for_staff_only(start_gateway) -> None:
    gw = await start_gateway()
    username = await gw.add_user("supervisor")
    token = await gw.token(username)
    async with gw.gateway.db.transaction() as session:  # disabled outside the admin API: no revocation
        await session.execute(text("UPDATE gateway.users SET active = false WHERE username = :u"), {"u": username})
    refused = await renew(gw, token)
    assert refused.status_code == 403 and refused.json()["reason"] == "ACCOUNT_DISABLED"
    assert (await gw.client.post("/v1/auth/renew")).status_code == 401

    client = await gw.client_headers("feed.read")
    machine = await gw.client.post("/v1/auth/renew", headers=client)
    assert machine.status_code == 400 and machine.json()["reason"] == "RENEWAL_NOT_SUPPORTED"


async def test_the_token_endpoint_ignores_parameters_it_does_not_know(start_gateway) -> None:
    """RFC 6749 §3.2: the token endpoint MUST ignore unrecognized parameters (OAuth libraries send
    e.g. `audience` or `resource`), and TokenRequest in /openapi.json allows them; they were a 400.
    A parameter given twice, or not a string, stays refused."""
    gw = await start_gateway()
    _, secret = await gw.gateway.store.create_client(
        NewClient(client_id := unique("province-"), ("feed.read",)), Actor("test")
    )
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    extra = await gw.client.post("/v1/auth/token", data={**form, "audience": "civic", "resource": "x"})
    assert extra.status_code == 200, extra.text
    as_json = await gw.client.post("/v1/auth/token", json={**form, "audience": "civic", "nonce": 1})
    assert as_json.status_code == 200, as_json.text
    username = await gw.add_user("supervisor")
    staff = {"grant_type": "password", "username": username, "password": PASSWORD, "client_id": "web-ui"}
    assert (await gw.client.post("/v1/auth/token", data=staff)).status_code == 200
    twice = await gw.client.post("/v1/auth/token", json={**form, "clientSecret": secret})
    assert twice.status_code == 400 and twice.json()["reason"] == "INVALID_TOKEN_REQUEST"
    wrong_type = await gw.client.post("/v1/auth/token", json={**form, "client_secret": 5})
    assert wrong_type.status_code == 400 and wrong_type.json()["violations"][0]["field"] == "client_secret"


async def test_failed_basic_client_authentication_is_401_with_a_basic_challenge(start_gateway) -> None:
    """RFC 6749 §5.2: a client that authenticated with Authorization: Basic and failed gets 401 with
    WWW-Authenticate for Basic. A wrong secret had no challenge; an undecodable header was a 400."""
    gw = await start_gateway()
    _, secret = await gw.gateway.store.create_client(
        NewClient(client_id := unique("province-"), ("feed.read",)), Actor("test")
    )
    wrong = base64.b64encode(f"{client_id}:guess".encode()).decode()
    for header in (f"Basic {wrong}", "Basic !!!not-base64", "Basic " + base64.b64encode(b"\xff").decode()):
        reply = await gw.client.post(
            "/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": header}
        )
        assert reply.status_code == 401, (header, reply.text)
        assert reply.headers["www-authenticate"].startswith("Basic ")
        assert reply.headers["content-type"] == "application/problem+json" and reply.json()["detail"]
    right = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    ok = await gw.client.post(
        "/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {right}"}
    )
    assert ok.status_code == 200, ok.text
