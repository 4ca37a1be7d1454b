"""Languages of the UI: zh-CN first, English as a switch. One flat dict per language (`zh.py`,
`en.py`, the same keys); `?lang=en` picks a language and keeps it in a cookie.

Messages from the services (problem `detail`, `state_label`) are Chinese whatever the language:
they are the registry's legal wording, shown as sent.
"""
from __future__ import annotations

import re

from starlette.requests import Request

from gateway.ui.i18n.en import EN
from gateway.ui.i18n.zh import ZH

DEFAULT = "zh-CN"
COOKIE = "civic_lang"
MESSAGES: dict[str, dict[str, str]] = {"zh-CN": ZH, "en": EN}
_ALIASES = {"zh": "zh-CN", "zh-cn": "zh-CN", "cn": "zh-CN", "en": "en", "en-us": "en", "en-gb": "en"}
_PARAM = re.compile(r"\{(\w+)\}")


def normalize(value: str | None) -> str | None:
    return _ALIASES.get((value or "").strip().lower())


def chosen_in_query(request: Request) -> str | None:
    return normalize(request.query_params.get("lang"))


def language_of(request: Request) -> str:
    """The query's choice, else the cookie's, else Chinese (never Accept-Language: window
    workstations run English browsers as often as Chinese ones)."""
    return chosen_in_query(request) or normalize(request.cookies.get(COOKIE)) or DEFAULT


class Translator:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = MESSAGES[lang]

    def __call__(self, key: str, **params: object) -> str:
        text = self.messages.get(key) or ZH.get(key) or key
        return _PARAM.sub(lambda m: str(params.get(m.group(1), m.group(0))), text) if params else text
