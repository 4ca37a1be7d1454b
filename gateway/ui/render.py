"""Jinja2 rendering of UI pages in the request's language."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from gateway.accounts.roles import ROLES, SCOPES
from gateway.ui import i18n, nav

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
# The accounts screens offer every role and scope the accounts API knows (labels: role.*, scope.*).
_env.globals.update(account_roles=tuple(ROLES), client_scopes=tuple(SCOPES))


def _switch_links(request: Request, current: str) -> list[dict[str, str]]:
    """The other languages, as links to the same page (query kept, `lang` replaced)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return [{"lang": lang, "href": f"{request.url.path}?{urlencode([*kept, ('lang', lang)])}",
             "label": i18n.MESSAGES[lang]["lang.self"]} for lang in i18n.MESSAGES if lang != current]


def render(request: Request, template: str, status: int = 200, language: str = "", **context: Any) -> HTMLResponse:
    """The page in ``language`` when given (a printed document's), else in the reader's."""
    lang = language or i18n.language_of(request)
    page = _env.get_template(template).render(
        t=i18n.Translator(lang), lang=lang, messages=i18n.MESSAGES[lang], switch=_switch_links(request, lang),
        departments=nav.DEPARTMENTS, audit=nav.AUDIT, path=request.url.path, **context)
    response = HTMLResponse(page, status_code=status)
    if i18n.chosen_in_query(request):
        response.set_cookie(i18n.COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE_S, path="/", samesite="lax")
    return response
