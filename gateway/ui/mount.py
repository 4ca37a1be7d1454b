"""`ui_routes(gateway)`: the UI's routes, built from the assembled gateway's parts."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from gateway.ui.pages import page_routes
from gateway.ui.printing import PrintApi
from gateway.ui.verification import PublicVerification
from gateway.ui.verify_links import VerifyLinks

if TYPE_CHECKING:
    from gateway.app import Gateway

STATIC = Path(__file__).parent / "static"


def ui_routes(gateway: Gateway) -> list[BaseRoute]:
    settings = gateway.settings
    links = VerifyLinks(settings.token_key.get_secret_value())
    # The gateway's own: one clock decides a registrar's qualification (gateway.accounts.qualification).
    auth, caller_tokens = gateway.auth, gateway.caller_tokens
    verification = PublicVerification(gateway.routes, gateway.backends, caller_tokens, settings.deadline_s, links)
    return [
        Mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static"),
        *PrintApi(auth, gateway.routes, links, gateway.backends, caller_tokens, settings.deadline_s,
                  gateway.clock).routes(),
        *verification.routes(),
        *page_routes(),
    ]
