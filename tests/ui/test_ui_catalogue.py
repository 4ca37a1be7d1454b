"""The UI's own catalogue: both languages have every key the templates and scripts use and words
for every reason a call can be refused with, and every live screen of the nav registry has its
template and script (no browser, no suite)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from gateway import problems
from gateway.accounts.roles import ROLES, SCOPES
from gateway.gateway_paths import SCHEMAS
from gateway.ui import nav
from gateway.ui.i18n import EN, ZH
from gateway.ui.verification import OUTCOMES

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "gateway" / "ui"
REASON = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,}")
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
    # The accounts screens name every role and scope the accounts API knows, and each standing of a
    # registrar's training assessment it reports (templates/accounts, pages/users.js).
    keys |= {f"role.{r}" for r in ROLES} | {f"scope.{s}" for s in SCOPES}
    keys |= {f"acct.standing.{s}" for s in SCHEMAS["RegistrarQualification"]["properties"]["state"]["enum"]}
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


def _reason_parameters(trees: list[ast.Module]) -> dict[str, int]:
    """Functions (and dataclasses) taking a `reason`, by name → its position: invalid(),
    precondition(), DomainError, the gateway's Problem, and the helpers that pass one on."""
    found: dict[str, int] = {}
    for node in (n for tree in trees for n in ast.walk(tree)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [a.arg for a in node.args.posonlyargs + node.args.args]
            names = names[1:] if names[:1] in (["self"], ["cls"]) else names
        elif isinstance(node, ast.ClassDef):
            names = [n.target.id for n in node.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
        else:
            continue
        if "reason" in names:
            found[node.name] = names.index("reason")
    return found


def reasons_given() -> set[str]:
    """Every reason code the services and the gateway refuse a call with, read from the source:
    an UPPER_SNAKE literal (or a module constant holding one) passed as the `reason` of a call."""
    sources = [p for d in ("services", "gateway") for p in (ROOT / d).rglob("*.py") if "migrations" not in p.parts]
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in sources]
    takes = _reason_parameters(trees)
    codes = {reason for reason, _ in (*problems._FALLBACK.values(), problems._INTERNAL)}
    for tree in trees:
        constants = {n.targets[0].id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                     and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Constant)}
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name not in takes:
                continue
            given = call.args[takes[name]:takes[name] + 1] + [k.value for k in call.keywords if k.arg == "reason"]
            for arg in given:
                value = arg.value if isinstance(arg, ast.Constant) else \
                    constants.get(arg.id) if isinstance(arg, ast.Name) else None
                if isinstance(value, str) and REASON.fullmatch(value):
                    codes.add(value)
    return codes


def test_every_reason_a_call_is_refused_with_has_words_in_both_languages():
    """The error summary shows the reason in words with its code beside it (forms.js): a reason
    the services or the gateway give without a label here would show as the bare code."""
    given = reasons_given()
    assert {"PARTY_ALREADY_MARRIED", "INVALID_ID_NUMBER", "OUT_OF_JURISDICTION", "BLANK_NOT_IN_STOCK",
            "DIVISION_EXISTS", "INVALID_CREDENTIALS", "BACKEND_UNAVAILABLE", "UNDER_LEGAL_AGE"} <= given
    for messages in (ZH, EN):
        assert sorted(r for r in given if f"reason.{r}" not in messages) == []
