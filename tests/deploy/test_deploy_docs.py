"""docs/operations.md names only what exists: the metrics the processes expose, the environment
variables the settings classes read, the log events and fields the code writes, the Python objects
its runbooks import, and kubectl commands that name their namespace."""
from __future__ import annotations

import importlib
import re

import pytest
from deploy_support import ROOT, accepted_env_names, component_names, settings_class
from prometheus_client import Counter

DOC = (ROOT / "docs" / "operations.md").read_text()
TOKENS = set(re.findall(r"`([A-Za-z][A-Za-z0-9_.:\-]*)`", DOC))
CODE_DIRS = ("services", "gateway", "deploy/k8s/base", "deploy/k8s/overlays", "deploy/k8s/tools", "scripts")
# Read by a process but not by a settings class (deploy/k8s/generate.py RUNTIME_ENV).
RUNTIME_ENV = {"FORWARDED_ALLOW_IPS"}


def _code() -> str:
    texts = []
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".yaml", ".csv", ".sh"):
                texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


def _exposed_metric_names() -> set[str]:
    """The names a scrape shows: counters with `_total` (prometheus_client adds it)."""
    from gateway.ops import Metrics
    from servicekit.metrics import ServiceMetrics

    names = set()
    for registry in (ServiceMetrics("svc").registry, Metrics().registry):
        for collector in list(registry._collector_to_names):  # noqa: SLF001 - every family, samples or not
            for family in collector.describe():
                names.add(f"{family.name}_total" if isinstance(collector, Counter) else family.name)
    return names


def test_documented_metrics_are_exposed_under_that_name() -> None:
    documented = {t for t in TOKENS if t.startswith("civic_")}
    assert documented, "no metric found in docs/operations.md"
    unknown = sorted(documented - _exposed_metric_names())
    assert not unknown, f"docs/operations.md names metrics no process exposes: {unknown}"


def test_documented_environment_variables_are_read() -> None:
    read = set(RUNTIME_ENV) | {"DATABASE_URL", "NATS_URL"}
    for comp in component_names():
        read |= set().union(*accepted_env_names(settings_class(comp)).values())
    documented = {t for t in TOKENS if re.fullmatch(r"CIVIC_[A-Z0-9_]+", t)}
    unknown = sorted(documented - read)
    assert not unknown, f"docs/operations.md names settings no component reads: {unknown}"


def test_documented_log_events_and_fields_exist() -> None:
    """Every snake_case name in backticks (log events and fields, settings, columns, labels) occurs
    in the code or the manifests: a runbook that greps the logs for a name the code never writes
    finds nothing, at the worst moment."""
    code = _code()
    names = {t for t in TOKENS if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", t) and not t.startswith("civic_")}
    missing = sorted(n for n in names if not re.search(rf"(?<![A-Za-z0-9_]){n}(?![A-Za-z0-9_])", code))
    assert not missing, f"docs/operations.md names what the code never writes: {missing}"


@pytest.mark.parametrize("dotted", sorted(t for t in TOKENS if re.fullmatch(
    r"(servicekit|marriage|placenames|gateway)(\.[A-Za-z_]+)+", t)))
def test_documented_python_objects_exist(dotted: str) -> None:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return
    pytest.fail(f"{dotted} does not import")


def _commands() -> list[str]:
    """Every kubectl command line of the doc's code blocks (continuations joined)."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC, flags=re.S)
    indented = re.findall(r"^    (kubectl .*)$", DOC, flags=re.M)
    inline = re.findall(r"`(kubectl [^`]+)`", DOC)
    lines = []
    for block in blocks:
        lines += [line for line in block.replace("\\\n", " ").splitlines() if "kubectl " in line]
    return lines + indented + inline


@pytest.mark.parametrize("command", _commands())
def test_kubectl_commands_name_the_namespace(command: str) -> None:
    """Run as written from an operator's shell (whose context namespace is anything), a command
    without `-n` acts on the wrong namespace — or on nothing. `apply -k` takes the overlay's."""
    for part in re.split(r"&&|\||;|[$<]\(", command):
        part = part.strip()
        if not part.startswith("kubectl ") or len(part.split()) < 3:  # a mention ("not with `kubectl scale`")
            continue
        if re.match(r"kubectl (apply -k|kustomize)\b", part):
            continue
        assert re.search(r"(^|\s)(-n|--namespace)[ =]", part), f"no namespace: {part}"
