"""The import pipeline without a database: what each row becomes, counts and batches."""
import dataclasses
import datetime as dt
import gc
import json
import uuid

import pytest
from marriage.domain.history import ArchiveRow, canonical_id, validate_row
from marriage.imports.parsers import Record
from marriage.imports.pipeline import ImportPipeline
from marriage.imports.records import (
    DEFECT_COLUMNS,
    MARRIAGE_COLUMNS,
    PARTY_COLUMNS,
    NOT_CANONICAL,
    ROW_COLUMNS,
    RowMaterializer,
    canonical_number,
    read_original,
)
from servicekit.pii import PiiCipher, generate_key

from tests.marriage.unit.marriage_ids import resident_id

TODAY = dt.date(2024, 3, 1)
MAN = resident_id(dt.date(1960, 3, 15), "M")
WOMAN = resident_id(dt.date(1962, 8, 1), "F")
OTHER = resident_id(dt.date(1963, 9, 9), "F")
CLEAN = ArchiveRow("鄂蒲婚字(1985)第000123号", "1985-06-01", "结婚", MAN, "张建国", WOMAN, "李秀英", "421281")


@pytest.fixture
def cipher() -> PiiCipher:
    return PiiCipher.from_base64(generate_key(), generate_key())


def pipeline(cipher: PiiCipher, batch_rows: int = 100) -> ImportPipeline:
    return ImportPipeline(RowMaterializer(cipher, uuid.uuid4(), TODAY), TODAY, batch_rows)


def as_dicts(columns, records):
    return [dict(zip(columns, r)) for r in records]


def feed(p: ImportPipeline, *rows: ArchiveRow | str) -> None:
    for number, row in enumerate(rows, start=1):
        p.add(Record(number, row, "") if isinstance(row, ArchiveRow) else Record(number, None, row, "列数不对"))


def test_a_marriage_row_becomes_a_historical_record_and_the_original_is_kept_encrypted(cipher):
    p = pipeline(cipher)
    feed(p, CLEAN)
    batch = p.take()
    (marriage,) = as_dicts(MARRIAGE_COLUMNS, batch.marriages)
    assert (marriage["register_date"], marriage["state"], marriage["historical"], marriage["import_id"]) == (
        dt.date(1985, 6, 1), "REGISTERED", True, p.import_id)
    man, woman = as_dicts(PARTY_COLUMNS, batch.parties)
    assert (man["position"], man["sex"], man["name"]) == (0, "M", "张建国")
    assert man["birth_date"] == dt.date(1960, 3, 15)
    assert (man["id_hash"], cipher.decrypt(man["id_enc"]), man["id_masked"]) == (
        cipher.digest(MAN), MAN, MAN[:4] + "*" * 10 + MAN[-4:])
    assert woman["marriage_id"] == marriage["id"]
    (kept,) = as_dicts(ROW_COLUMNS, batch.rows)
    assert (kept["kind"], kept["marriage_id"]) == ("marriage", marriage["id"])
    assert kept["man_hash"] == cipher.digest(MAN)
    assert read_original(cipher.decrypt(kept["original_enc"])) == CLEAN
    assert batch.defects == []


def test_a_15_digit_id_is_the_same_person_and_only_a_note(cipher):
    p = pipeline(cipher)
    feed(p, dataclasses.replace(CLEAN, man_id=MAN[:6] + MAN[8:17]))
    batch = p.take()
    assert as_dicts(PARTY_COLUMNS, batch.parties)[0]["id_hash"] == cipher.digest(MAN)
    (defect,) = as_dicts(DEFECT_COLUMNS, batch.defects)
    assert (defect["code"], defect["informational"]) == ("ID_UPGRADED_15", True)
    counts = p.counts()
    assert (counts.rows_with_defects, counts.defects) == (0, {"ID_UPGRADED_15": 1})


def test_rows_without_a_usable_date_or_kind_are_kept_without_a_record(cipher):
    p = pipeline(cipher)
    feed(p, dataclasses.replace(CLEAN, register_date="1985-02-30"),
         dataclasses.replace(CLEAN, certificate_number="x", kind="复婚"),
         dataclasses.replace(CLEAN, certificate_number="y", man_id="12345"))
    batch = p.take()
    assert len(batch.marriages) == 1 and len(batch.rows) == 3  # the malformed ID still makes a record
    assert [r[2] for r in batch.rows] == ["marriage", "", "marriage"]
    assert as_dicts(ROW_COLUMNS, batch.rows)[2]["man_hash"] is None  # never used to match anyone
    assert [d[2] for d in batch.defects] == ["IMPOSSIBLE_DATE", "INVALID_VALUE", "MALFORMED_ID"]


def test_a_divorce_row_carries_the_couple_for_matching_but_makes_no_record(cipher):
    p = pipeline(cipher)
    feed(p, dataclasses.replace(CLEAN, kind="离婚", certificate_number="鄂蒲离字(1990)第1号",
                                register_date="1990/3/1"))
    batch = p.take()
    (kept,) = as_dicts(ROW_COLUMNS, batch.rows)
    assert batch.marriages == [] and (kept["kind"], kept["event_date"]) == ("divorce", dt.date(1990, 3, 1))
    assert (kept["man_hash"], kept["woman_hash"]) == (cipher.digest(MAN), cipher.digest(WOMAN))


def test_unreadable_rows_are_kept_as_raw_text(cipher):
    p = pipeline(cipher)
    feed(p, CLEAN, "a,b,c")
    batch = p.take()
    assert json.loads(cipher.decrypt(batch.rows[1][-1])) == {"raw": "a,b,c"}
    assert read_original(cipher.decrypt(batch.rows[1][-1])) is None
    assert [(d[1], d[2]) for d in batch.defects] == [(2, "PARSE_ERROR")]
    counts = p.counts()
    assert (counts.rows_read, counts.rows_imported) == (2, 1)
    assert (counts.rows_unreadable, counts.rows_with_defects) == (1, 1)


def test_overlaps_are_found_after_the_last_row_and_counted(cipher):
    p = pipeline(cipher)
    remarried = dataclasses.replace(CLEAN, certificate_number="b", register_date="1990-01-01", woman_id=OTHER)
    feed(p, CLEAN, remarried, CLEAN)
    assert [d[2] for d in p.take().defects] == ["DUPLICATE_CERTIFICATE"]
    late = p.overlaps()
    assert [(d[1], d[2], d[3], d[6]) for d in late] == [(2, "OVERLAPPING_MARRIAGE", "man_id", None)]
    counts = p.counts()
    assert (counts.rows_with_defects, counts.defects) == (
        2, {"DUPLICATE_CERTIFICATE": 1, "OVERLAPPING_MARRIAGE": 1})


def test_batches_are_handed_over_when_full(cipher):
    p = pipeline(cipher, batch_rows=2)
    feed(p, CLEAN)
    assert not p.full
    feed(p, CLEAN, CLEAN)  # numbers restart: only the batch size matters here
    assert p.full and len(p.take().rows) == 3 and not p.full


@pytest.mark.parametrize("raw", [MAN, MAN[:17] + "x", WOMAN.lower(), MAN[:6] + MAN[8:17], MAN[:17] + "0",
                                 "４２１２８１１９６００３１５００１１", MAN[:9] + " " + MAN[9:], "12345", ""])
def test_the_shortcut_to_the_canonical_number_agrees_with_the_domain(raw):
    """Skipping canonical_id is only allowed when the row's checks found the number canonical."""
    checked = not ({d.code for d in validate_row(dataclasses.replace(CLEAN, man_id=raw), TODAY)
                    if d.field == "man_id"} & NOT_CANONICAL)
    assert canonical_number(raw, checked) == (canonical_id(raw)[0] if raw else None)


def test_records_for_the_bulk_write_carry_uuids_as_hex_digits_the_collector_lets_go_of(cipher):
    """The import's records hold their uuids as 32 hex digits (asyncpg writes them as uuids): a
    tuple of such values stops being tracked by the garbage collector, so the records waiting to
    be written are not walked by every full collection."""
    import_id = uuid.uuid4()
    p = ImportPipeline(RowMaterializer(cipher, import_id, TODAY, hex_ids=True), TODAY)
    feed(p, CLEAN, dataclasses.replace(CLEAN, register_date="1985-02-30"), "a,b,c")
    batch = p.take()
    (marriage,) = as_dicts(MARRIAGE_COLUMNS, batch.marriages)
    assert marriage["import_id"] == import_id.hex and p.import_id == import_id
    assert uuid.UUID(marriage["id"]).version == 7
    assert {party["marriage_id"] for party in as_dicts(PARTY_COLUMNS, batch.parties)} == {marriage["id"]}
    assert [(r["import_id"], r["marriage_id"]) for r in as_dicts(ROW_COLUMNS, batch.rows)] == [
        (import_id.hex, marriage["id"]), (import_id.hex, None), (import_id.hex, None)]
    assert {d[0] for d in batch.defects} == {import_id.hex}
    gc.collect()
    records = [*batch.marriages, *batch.parties, *batch.rows, *batch.defects]
    assert not any(gc.is_tracked(r) for r in records)
