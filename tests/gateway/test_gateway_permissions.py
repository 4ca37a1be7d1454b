"""Role × route matrix over every operation /openapi.json lists: the roles and scopes an operation
declares get past the gateway's check, everybody else gets 403, and no token gets 401."""

from __future__ import annotations

import re

from gateway.accounts.roles import ROLES, SCOPES

PATH_PARAM = re.compile(r"\{[^}]+\}")


async def test_every_operation_checks_its_declared_roles_and_scopes(start_gateway) -> None:
    gw = await start_gateway(backends={}, bulk_rate_per_minute=1000)  # no backend: allowed calls end in 503
    spec = (await gw.client.get("/openapi.json")).json()
    principals = {role: await gw.headers(role, jurisdiction="") for role in ROLES}
    principals |= {f"scope:{scope}": await gw.client_headers(scope) for scope in SCOPES}
    checked = 0
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters" or not op.get("security"):
                continue
            url = PATH_PARAM.sub("t1", path)
            allowed = set(op.get("x-civic-roles", [])) | {f"scope:{s}" for s in op.get("x-civic-scopes", [])}
            anonymous = await gw.client.request(method, url)
            assert anonymous.status_code == 401, (op["operationId"], anonymous.text)
            if "x-civic-roles" not in op:  # any signed-in caller (sign-out, who am I): covered elsewhere
                continue
            for name, headers in principals.items():
                reply = await gw.client.request(method, url, headers=headers)
                if name in allowed:
                    assert reply.status_code not in (401, 403), (op["operationId"], name, reply.text)
                else:
                    assert reply.status_code == 403, (op["operationId"], name, reply.status_code)
                    assert reply.json()["reason"] == "PERMISSION_DENIED"
            checked += 1
    assert checked >= 40
