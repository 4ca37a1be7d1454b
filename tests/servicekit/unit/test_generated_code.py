"""gen/ is what `make proto` makes of proto/, and proto/ passes `buf lint` (issue 2, Protos)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from servicekit import protogen

ROOT = protogen.ROOT
BUF = ROOT / ".venv" / "bin" / "buf"
GOOGLEAPIS = ("api", "type", "rpc")


def test_generated_code_is_current() -> None:
    assert protogen.proto_files(), "no protos found"
    assert protogen.stale_files() == [], "gen/ is stale: run `make proto` and commit gen/"


def test_every_proto_has_generated_modules() -> None:
    for proto in protogen.proto_files():
        stem = proto.relative_to(protogen.PROTO_DIR).with_suffix("")
        assert (protogen.GEN_DIR / f"{stem}_pb2.py").is_file(), stem


def buf_workspace(tmp: Path) -> Path:
    """The repo's buf.yaml with proto/ and the installed googleapis protos beside it, as `make lint`
    lays them out (buf cannot fetch its deps offline)."""
    config = yaml.safe_load((ROOT / "buf.yaml").read_text())
    modules = [m["path"] for m in config["modules"]]
    assert "proto" in modules
    [deps] = [m for m in modules if m != "proto"]
    assert deps in config["lint"]["ignore"], "the third-party module must not be linted"
    shutil.copytree(protogen.PROTO_DIR, tmp / "proto")
    for part in GOOGLEAPIS:
        shutil.copytree(protogen.googleapis_include() / "google" / part, tmp / deps / "google" / part,
                        ignore=shutil.ignore_patterns("*.py", "*.pyi", "__pycache__"))
    shutil.copy(ROOT / "buf.yaml", tmp / "buf.yaml")
    return tmp


def buf_lint(workspace: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BUF), "lint"], cwd=workspace, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not BUF.exists():
        pytest.fail(f"{BUF} missing: install the dev extras (PyPI buf-bin)")
    return buf_workspace(tmp_path_factory.mktemp("buf"))


def test_protos_pass_buf_lint(workspace: Path) -> None:
    result = buf_lint(workspace)
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_lint_catches_a_bad_proto(workspace: Path, tmp_path: Path) -> None:
    """The check above can fail: a badly named message in proto/ is reported."""
    bad = shutil.copytree(workspace, tmp_path / "ws")
    (bad / "proto" / "civic" / "placenames" / "v1" / "lint_probe.proto").write_text(
        'syntax = "proto3";\npackage civic.placenames.v1;\nmessage lint_probe { int32 BadField = 1; }\n')
    result = buf_lint(bad)
    assert result.returncode != 0
    assert "lint_probe.proto" in result.stdout and "PascalCase" in result.stdout
    assert "buf-deps" not in result.stdout  # googleapis is not linted
