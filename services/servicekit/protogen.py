"""`make proto`: regenerate gen/python from proto/ with grpcio-tools (one command, never edited)."""
from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[2]
PROTO_DIR = ROOT / "proto"
GEN_DIR = ROOT / "gen" / "python"


def googleapis_include() -> Path:
    """The folder holding google/api/*.proto, shipped by googleapis-common-protos."""
    import google.api

    return Path(google.api.__path__[0]).parents[1]


def proto_files() -> list[Path]:
    return sorted(PROTO_DIR.rglob("*.proto"))


def generate(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"-I{googleapis_include()}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        *[str(p.relative_to(PROTO_DIR)) for p in proto_files()],
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


def stale_files() -> list[str]:
    """Files whose committed copy differs from a fresh generation (empty when gen/ is current)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        fresh_set = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
        committed = {p.relative_to(GEN_DIR) for p in GEN_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        differ = [str(p) for p in fresh_set & committed if not filecmp.cmp(fresh / p, GEN_DIR / p, shallow=False)]
        return sorted(differ + [str(p) for p in fresh_set ^ committed])


def main() -> None:
    if GEN_DIR.exists():
        shutil.rmtree(GEN_DIR)
    generate(GEN_DIR)
    print(f"generated {len(proto_files())} proto files into {GEN_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main() if sys.argv[1:] != ["--check"] else print("\n".join(stale_files()) or "gen/ is current")
