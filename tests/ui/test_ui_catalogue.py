"""The UI's own catalogue: both languages have every key the templates and scripts use, and every
live screen of the nav registry has its template and script (no browser, no suite)."""
from __future__ import annotations

import re
from pathlib import Path

from gateway.ui import nav
from gateway.ui.i18n import EN, ZH
from gateway.ui.verification import OUTCOMES

UI = Path(__file__).resolve().parents[2] / "gateway" / "ui"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-zA-Z0-9_.]*[a-zA-Z0-9_])["']""")
ERROR_KEY = re.compile(r"""["']((?:id|error)\.[a-zA-Z0-9]+)["']""")


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*UI.glob("templates/**/*.html"), *UI.glob("static/js/**/*.js")]:
        text = path.read_text(encoding="utf-8")
        keys |= set(LITERAL_KEY.findall(text)) | set(ERROR_KEY.findall(text))
    keys |= {f"verify.outcome.{o}" for o in OUTCOMES}
    for department in nav.DEPARTMENTS:
        keys.add(f"dept.{department.key}")
        keys |= {f"screen.{s.key}" for s in department.screens}
    keys |= {f"screen.{s.key}" for s in nav.PRINTS}
    return keys


def test_both_languages_have_the_same_keys_and_every_used_key():
    assert set(ZH) == set(EN)
    missing = sorted(used_keys() - set(ZH))
    assert missing == []


def test_every_live_screen_has_a_template_and_a_script():
    for screen in nav.live_screens():
        assert (UI / "templates" / screen.template).is_file(), screen.key
        assert (UI / "static" / "js" / "pages" / f"{screen.module}.js").is_file(), screen.key
        assert screen.path.startswith("/ui/")


def test_no_inline_script_or_style_the_csp_would_block():
    for path in UI.glob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'<script(?![^>]*(\bsrc=|type="application/json"))', text), path
        assert " style=" not in text and "<style" not in text and "javascript:" not in text, path
