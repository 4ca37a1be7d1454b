"""Exchange clients after their creation: a new secret when the old one is lost or leaked
(`POST /v1/admin/clients/{id}:rotateSecret`, `python -m gateway clients rotate-secret`), and a change
of scopes, jurisdiction or name (`PATCH /v1/admin/clients/{id}`) — each ending the client's tokens
where the token would otherwise keep what the client no longer has."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from servicekit.testing.plugin import unique
from sqlalchemy import text

OFFICE = "421281"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def client_token(gw, client_id: str, secret: str, **scope: str):
    return await gw.client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, **scope},
    )


async def new_client(gw, admin: dict[str, str], *scopes: str, jurisdiction: str = OFFICE) -> tuple[str, str]:
    client_id = unique("exchange-")
    made = await gw.client.post(
        "/v1/admin/clients",
        headers=admin,
        json={
            "clientId": client_id,
            "scopes": list(scopes),
            "jurisdiction": jurisdiction,
            "displayName": "交换平台",
        },
    )
    assert made.status_code == 201, made.text
    return client_id, made.json()["clientSecret"]


async def audit_rows(gw, client_id: str) -> list:
    async with gw.gateway.db.transaction() as session:
        return (
            await session.execute(
                text(
                    "SELECT action, actor, request_id, reason, before, after, office_code FROM gateway.audit_log "
                    "WHERE resource = :r ORDER BY at, id"
                ),
                {"r": f"clients/{client_id}"},
            )
        ).all()


async def test_a_rotated_secret_replaces_the_old_one_and_ends_its_tokens(start_gateway) -> None:
    gw = await start_gateway()
    admin = await gw.headers("admin", jurisdiction=OFFICE)
    client_id, old_secret = await new_client(gw, admin, "feed.read")
    old_token = (await client_token(gw, client_id, old_secret)).json()["access_token"]
    assert (await gw.client.get("/v1/exchange/events", headers=bearer(old_token))).status_code == 200

    path = f"/v1/admin/clients/{client_id}:rotateSecret"
    refused = await gw.client.post(path, headers=await gw.headers("supervisor"))
    assert refused.status_code == 403
    assert (await gw.client.post(path)).status_code == 401
    unknown = await gw.client.post("/v1/admin/clients/no-such-client:rotateSecret", headers=admin)
    assert unknown.status_code == 404 and unknown.json()["reason"] == "CLIENT_NOT_FOUND"
    # Another jurisdiction's client is not this admin's to see, nor to rotate.
    outsider, _ = await new_client(
        gw, await gw.headers("admin", jurisdiction=""), "feed.read", jurisdiction="420100"
    )
    assert (
        await gw.client.post(f"/v1/admin/clients/{outsider}:rotateSecret", headers=admin)
    ).status_code == 404

    rotated = await gw.client.post(path, headers={**admin, "X-Request-Id": "rotate-attempt-1"})
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    new_secret = body.pop("clientSecret")
    assert len(new_secret) >= 32 and new_secret != old_secret
    assert (
        body["clientId"] == client_id and body["scopes"] == ["feed.read"] and body["jurisdiction"] == OFFICE
    )
    assert rotated.headers["cache-control"] == "no-store"

    wrong = await client_token(gw, client_id, old_secret)
    assert wrong.status_code == 401 and wrong.json()["reason"] == "INVALID_CREDENTIALS"
    gone = await gw.client.get("/v1/exchange/events", headers=bearer(old_token))
    assert gone.status_code == 401 and gone.json()["reason"] == "TOKEN_REVOKED"
    issued = await client_token(gw, client_id, new_secret)
    assert issued.status_code == 200, issued.text
    assert (
        await gw.client.get("/v1/exchange/events", headers=bearer(issued.json()["access_token"]))
    ).status_code == 200

    async with gw.gateway.db.transaction() as session:
        stored = (
            await session.execute(
                text("SELECT secret_hash FROM gateway.clients WHERE client_id = :c"), {"c": client_id}
            )
        ).scalar_one()
    assert new_secret not in stored and stored.startswith("$")  # only its hash is kept
    rows = await audit_rows(gw, client_id)
    assert [r.action for r in rows] == ["client.create", "client.rotate_secret"]
    rotation = rows[1]
    assert rotation.request_id == "rotate-attempt-1" and rotation.office_code == OFFICE
    assert rotation.reason == "changed: lock, secret"
    assert rotation.before["clientId"] == rotation.after["clientId"] == client_id
    for secretish in (new_secret, old_secret, stored):
        assert secretish not in str(rotation.before) + str(rotation.after)


async def test_a_rotation_lifts_the_lock_out_a_lost_secret_earned(start_gateway) -> None:
    gw = await start_gateway(login_max_failures=2)
    admin = await gw.headers("admin", jurisdiction=OFFICE)
    client_id, _ = await new_client(gw, admin, "feed.read")
    await client_token(gw, client_id, "the lost one")
    locked = await client_token(gw, client_id, "the lost one again")
    assert locked.status_code == 429 and locked.json()["reason"] == "ACCOUNT_LOCKED"
    secret = (await gw.client.post(f"/v1/admin/clients/{client_id}:rotateSecret", headers=admin)).json()[
        "clientSecret"
    ]
    assert (await client_token(gw, client_id, secret)).status_code == 200


async def test_narrowed_scopes_end_the_tokens_and_a_new_token_carries_them(start_gateway) -> None:
    gw = await start_gateway()
    admin = await gw.headers("admin", jurisdiction=OFFICE)
    client_id, secret = await new_client(gw, admin, "feed.read", "import.write")
    old_token = (await client_token(gw, client_id, secret)).json()["access_token"]
    assert (await gw.client.get("/v1/exchange/events", headers=bearer(old_token))).status_code == 200

    path = f"/v1/admin/clients/{client_id}"
    assert (
        await gw.client.patch(path, headers=await gw.headers("supervisor"), json={"scopes": ["import.write"]})
    ).status_code == 403
    narrowed = await gw.client.patch(
        path, headers={**admin, "X-Request-Id": "narrow-1"}, json={"scopes": ["import.write"]}
    )
    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json() | {"createTime": None, "updateTime": None} == {
        "clientId": client_id,
        "displayName": "交换平台",
        "scopes": ["import.write"],
        "jurisdiction": OFFICE,
        "active": True,
        "createTime": None,
        "updateTime": None,
    }
    gone = await gw.client.get("/v1/exchange/events", headers=bearer(old_token))
    assert gone.status_code == 401 and gone.json()["reason"] == "TOKEN_REVOKED"
    issued = await client_token(gw, client_id, secret)
    assert issued.status_code == 200 and issued.json()["scope"] == "import.write"
    token = issued.json()["access_token"]
    assert (await gw.client.get("/v1/auth/me", headers=bearer(token))).json()["scopes"] == ["import.write"]
    assert (await gw.client.get("/v1/exchange/events", headers=bearer(token))).status_code == 403
    asked = await client_token(gw, client_id, secret, scope="feed.read")
    assert asked.status_code == 400 and asked.json()["reason"] == "INVALID_SCOPE"

    # A new name alone, or the same scopes sent again, changes nothing a token carries: it goes on.
    renamed = await gw.client.patch(
        path, headers=admin, json={"displayName": " 省数据共享平台 ", "scopes": ["import.write"]}
    )
    assert renamed.status_code == 200 and renamed.json()["displayName"] == "省数据共享平台"
    assert (await gw.client.get("/v1/auth/me", headers=bearer(token))).status_code == 200
    widened = await gw.client.patch(
        path, headers=admin, json={"scopes": ["feed.read", "import.write", "feed.read"]}
    )
    assert widened.json()["scopes"] == ["feed.read", "import.write"]
    assert (await gw.client.get("/v1/auth/me", headers=bearer(token))).status_code == 401

    for bad in ({"scopes": ["feed.read", "admin"]}, {"scopes": []}, {"scopes": "feed.read"}):
        refused = await gw.client.patch(path, headers=admin, json=bad)
        assert refused.status_code == 400 and refused.json()["reason"] == "INVALID_CLIENT", bad
        assert [v["field"] for v in refused.json()["violations"]] == ["scopes"]
    assert (
        "admin"
        in (await gw.client.patch(path, headers=admin, json={"scopes": ["admin"]})).json()["violations"][0][
            "description"
        ]
    )

    rows = await audit_rows(gw, client_id)
    assert [r.action for r in rows] == ["client.create", "client.update", "client.update", "client.update"]
    assert (rows[1].reason, rows[1].request_id) == ("changed: scopes", "narrow-1")
    assert (rows[1].before["scopes"], rows[1].after["scopes"]) == (
        ["feed.read", "import.write"],
        ["import.write"],
    )
    assert rows[2].reason == "changed: display_name, scopes"
    assert (rows[2].before["displayName"], rows[2].after["displayName"]) == ("交换平台", "省数据共享平台")


async def test_a_changed_jurisdiction_is_checked_as_at_creation_and_ends_the_tokens(start_gateway) -> None:
    gw = await start_gateway()
    admin = await gw.headers("admin", jurisdiction=OFFICE)
    client_id, secret = await new_client(gw, admin, "feed.read")
    token = (await client_token(gw, client_id, secret)).json()["access_token"]
    path = f"/v1/admin/clients/{client_id}"
    for bad, words in (
        ("42128", "区划代码前缀"),
        ("4212x1", "区划代码前缀"),
        ("420100", "只能设为本辖区（421281）"),  # a real prefix, outside the admin's own
        ("", "只能设为本辖区（421281）"),  # the whole province is not a county admin's to give
        (421281, "应为字符串"),
    ):
        refused = await gw.client.patch(path, headers=admin, json={"jurisdiction": bad})
        assert refused.status_code == 400 and refused.json()["reason"] == "INVALID_CLIENT", bad
        [violation] = refused.json()["violations"]
        assert violation["field"] == "jurisdiction" and words in violation["description"], (bad, violation)
    assert (
        await gw.client.get("/v1/auth/me", headers=bearer(token))
    ).status_code == 200  # refused: no change

    for bad, field in (
        ({}, ""),
        ({"secret": "x"}, "secret"),
        ({"active": "yes"}, "active"),
        ({"clientId": "y"}, "clientId"),
    ):
        refused = await gw.client.patch(path, headers=admin, json=bad)
        assert refused.status_code == 400 and [v["field"] for v in refused.json()["violations"]] == [field], (
            bad
        )

    moved = await gw.client.patch(path, headers=admin, json={"jurisdiction": "421281100"})
    assert moved.status_code == 200 and moved.json()["jurisdiction"] == "421281100"
    assert (await gw.client.get("/v1/auth/me", headers=bearer(token))).status_code == 401
    me = await gw.client.get(
        "/v1/auth/me", headers=bearer((await client_token(gw, client_id, secret)).json()["access_token"])
    )
    assert me.json()["jurisdiction"] == "421281100"
    rows = await audit_rows(gw, client_id)
    assert rows[-1].reason == "changed: jurisdiction"
    assert (rows[-1].before["jurisdiction"], rows[-1].after["jurisdiction"]) == (OFFICE, "421281100")

    stopped = await gw.client.patch(path, headers=admin, json={"active": False})
    assert stopped.status_code == 200 and stopped.json()["active"] is False
    assert (await client_token(gw, client_id, secret)).json()["reason"] == "ACCOUNT_DISABLED"
    assert (
        await gw.client.patch("/v1/admin/clients/no-such-client", headers=admin, json={"active": True})
    ).status_code == 404


async def test_clients_rotate_secret_command(start_gateway, infra) -> None:
    gw = await start_gateway()
    client_id, old_secret = await new_client(gw, await gw.headers("admin", jurisdiction=OFFICE), "feed.read")
    env = {**os.environ, "DATABASE_URL": infra.database_url}

    def run(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "gateway", "clients", "rotate-secret", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    done = await asyncio.to_thread(run, client_id)
    assert done.returncode == 0, done.stderr
    [secret] = [
        line.removeprefix("client_secret: ")
        for line in done.stdout.splitlines()
        if line.startswith("client_secret: ")
    ]
    assert secret != old_secret and secret not in done.stderr
    assert (await client_token(gw, client_id, secret)).status_code == 200
    assert (await client_token(gw, client_id, old_secret)).status_code == 401
    assert [r.actor for r in await audit_rows(gw, client_id)][-1] == "cli"

    missing = await asyncio.to_thread(run, "no-such-client")
    assert (
        missing.returncode == 1
        and "CLIENT_NOT_FOUND" in missing.stderr
        and "client_secret" not in missing.stdout
    )
