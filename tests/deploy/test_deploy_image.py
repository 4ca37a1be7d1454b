"""deploy/Dockerfile installs the way `make install` does (scripts/install.sh, one hash-locked lock
file), and runs the service chosen by its command as a non-root user."""
from __future__ import annotations

import fnmatch
import json
import re
import shlex
from dataclasses import dataclass, field

import pytest
from deploy_support import ROOT, component_names, one, pod_templates, rendered

DOCKERFILE = ROOT / "deploy" / "Dockerfile"


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def _parse() -> tuple[dict[str, str], list[Stage]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif keyword == "FROM":
            words = rest.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], words[0])
            stages.append(Stage(base, words[2] if len(words) > 2 and words[1].upper() == "AS" else ""))
        else:
            stages[-1].instructions.append((keyword, rest.strip()))
    return args, stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return _parse()[1]


def test_two_stages_on_the_slim_python_the_lock_was_made_for(stages: list[Stage]) -> None:
    assert [s.name for s in stages] == ["builder", "runtime"]
    assert {s.base for s in stages} == {"python:3.11-slim"}
    lock_header = (ROOT / "requirements-prod.lock").read_text().splitlines()[:3]
    assert any("--python-version 3.11" in line for line in lock_header)
    assert re.search(r'requires-python\s*=\s*">=3\.11"', (ROOT / "pyproject.toml").read_text())


def test_builder_runs_the_install_script_with_the_prod_lock(stages: list[Stage]) -> None:
    builder = stages[0]
    [run] = [r for r in builder.all("RUN") if "scripts/install.sh" in r]
    words = shlex.split(run)
    assert words[-2:] == ["sh", "scripts/install.sh"]
    assert "CIVIC_INSTALL_EXTRAS=prod" in words and "VENV=/app/.venv" in words
    assert builder.all("WORKDIR") == ["/app"]
    copied = " ".join(builder.all("COPY"))
    assert "requirements-prod.lock" in copied and "scripts/install.sh" in copied
    # One install path: nothing else installs packages.
    for stage in stages:
        for command in stage.all("RUN"):
            assert not re.search(r"\bpip\b|\buv\b|apt-get install", command), command


def test_make_install_runs_the_same_script() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^\$\(STAMP\):.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe and "sh scripts/install.sh" in recipe.group(1)
    assert re.search(r"^install: \$\(STAMP\)$", makefile, re.M)
    assert re.search(r"^run: install$", makefile, re.M) and re.search(r"^test: install$", makefile, re.M)
    script = (ROOT / "scripts" / "install.sh").read_text()
    assert "CIVIC_INSTALL_EXTRAS" in script and "${VENV:-.venv}" in script
    assert re.search(r"--require-hashes -r requirements-prod\.lock", script)
    assert re.search(r"--require-hashes -r requirements\.lock", script)


def test_image_holds_every_component_package(stages: list[Stage]) -> None:
    copied = {shlex.split(c)[0] for c in stages[0].all("COPY")}
    # install.sh's .pth puts <root>/services, <root>/gen/python and <root> on the path.
    assert {"services", "gen/python", "gateway"} <= copied
    for comp in component_names():
        assert (ROOT / ("gateway" if comp == "gateway" else f"services/{comp}")).is_dir()
    ignore = [p.strip() for p in (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().splitlines()
              if p.strip() and not p.startswith("#")]
    for source in copied:
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignore), f"{source} is ignored"


def test_runtime_is_non_root_and_runs_python_m(stages: list[Stage]) -> None:
    runtime = stages[-1]
    assert "--from=builder /app /app" in runtime.all("COPY")
    [user] = runtime.all("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) == 10001 and gid == uid  # numeric: runAsNonRoot can check it
    assert any(f"--uid {uid}" in r for r in runtime.all("RUN"))
    assert json.loads(runtime.all("ENTRYPOINT")[0]) == ["/app/.venv/bin/python", "-m"]
    assert json.loads(runtime.all("CMD")[0]) == ["gateway", "serve"]
    assert "PYTHONDONTWRITEBYTECODE=1" in " ".join(runtime.all("ENV"))


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_pods_run_as_the_image_user(overlay: str) -> None:
    uid = int(_parse()[1][-1].all("USER")[0].split(":")[0])
    for workload, template in pod_templates(rendered(overlay)):
        if workload["metadata"]["labels"].get("app.kubernetes.io/name") in component_names():
            assert template["spec"]["securityContext"]["runAsUser"] == uid
            assert template["spec"]["containers"][0]["image"].split(":")[0].rsplit("/", 1)[-1] == "civic"
    one(rendered(overlay), "Deployment", "gateway")
