"""The sample-archive generator: read back through the parsers and checks, it shows exactly the
defects its manifest lists — in every format — and it is deterministic."""
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from marriage.imports.parsers import make_parser
from marriage.imports.pipeline import ImportPipeline
from marriage.imports.records import RowMaterializer
from marriage.tools import sample_archive
from marriage.tools.sample_archive import VARIANTS, write_sample
from servicekit.pii import PiiCipher, generate_key

TODAY = dt.date(2024, 3, 1)


def check(path: Path, fmt: str) -> tuple[set, ImportPipeline]:
    cipher = PiiCipher.from_base64(generate_key(), generate_key())
    pipeline = ImportPipeline(RowMaterializer(cipher, uuid.uuid4(), TODAY), TODAY, batch_rows=10**9)
    parser = make_parser(fmt, "")
    data = path.read_bytes()
    for i in range(0, len(data), 65536):
        for record in parser.feed(data[i:i + 65536]):
            pipeline.add(record)
    for record in parser.close():
        pipeline.add(record)
    found = {(d[1], d[2], d[3]) for d in pipeline.batch.defects + pipeline.overlaps()}
    return found, pipeline


@pytest.mark.parametrize(("fmt", "encoding", "headers"), [
    ("csv", "gb18030", "zh"), ("csv", "utf-8", "en"), ("jsonl", "utf-8", "zh"), ("xlsx", "gb18030", "zh"),
])
def test_the_checks_find_exactly_the_planted_defects(tmp_path, fmt, encoding, headers):
    out = tmp_path / f"sample.{fmt}"
    summary = write_sample(out, 4_000, seed=21, fmt=fmt, encoding=encoding, headers=headers)
    manifest = json.loads((tmp_path / f"sample.{fmt}.manifest.json").read_text(encoding="utf-8"))
    found, pipeline = check(out, fmt.upper())
    assert found == {(d["row"], d["code"], d["field"]) for d in manifest["defects"]}
    counts = pipeline.counts()
    assert (counts.rows_read, counts.rows_with_defects, counts.rows_unreadable, counts.defects) == (
        4_000, summary["rows_with_defects"], summary["rows_unreadable"], summary["counts"])


def test_every_kind_of_defect_is_planted(tmp_path):
    write_sample(tmp_path / "a.csv", 10_000, seed=1)
    manifest = json.loads((tmp_path / "a.csv.manifest.json").read_text(encoding="utf-8"))
    planted = {(d["code"], d["field"]) for d in manifest["defects"]}
    assert planted == set(VARIANTS)
    assert manifest["divorces"] > 0 and manifest["marriages"] + manifest["divorces"] == 10_000


def test_same_seed_same_file(tmp_path):
    for name in ("a", "b"):
        sample_archive.main(["--rows", "500", "--seed", "9", "--out", str(tmp_path / f"{name}.csv")])
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv.manifest.json").exists()


def test_registrations_look_like_the_archive(tmp_path):
    write_sample(tmp_path / "a.jsonl", 2_000, seed=3, fmt="jsonl", encoding="utf-8", headers="en")
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
             if line.endswith("}")]
    years = sorted(int(row["certificate_number"][5:9]) for row in lines if row["certificate_number"])
    assert years[0] == 1950 and years[-1] == 2003
    assert {row["office_code"] for row in lines} <= {"421281", ""}
    assert {row["kind"] for row in lines} >= {"结婚", "离婚"}
