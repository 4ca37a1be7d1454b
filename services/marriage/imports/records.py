"""An archive row as database records: the kept original, and the marriage it stands for.

Shared by the import (rows written in bulk) and by corrections (one row re-derived after a change),
so a corrected row reads exactly as if it had been imported that way.
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
import uuid
from collections.abc import Container
from json.encoder import encode_basestring
from typing import NamedTuple

from servicekit.identifiers import id_birth_day
from servicekit.pii import PiiCipher, mask_id
from servicekit.uuid7 import uuid7

from marriage.domain.history import ArchiveKind, ArchiveRow, RowFacts, canonical_id, parse_day, row_facts

MARRIAGE_COLUMNS = ("id", "certificate_number", "office_code", "register_date", "state", "historical",
                    "import_id")
PARTY_COLUMNS = ("marriage_id", "position", "id_type", "id_hash", "id_enc", "id_masked", "name", "sex",
                 "birth_date", "nationality")
ROW_COLUMNS = ("import_id", "row_number", "kind", "certificate_number", "event_date", "man_hash",
               "woman_hash", "marriage_id", "original_enc")
DEFECT_COLUMNS = ("import_id", "row_number", "code", "field", "message", "informational", "marriage_id")

REGISTERED = "REGISTERED"
RESIDENT_ID = "RESIDENT_ID"
MAINLAND = "CHN"
_KIND_TEXT = {ArchiveKind.MARRIAGE: "marriage", ArchiveKind.DIVORCE: "divorce"}
# Defects telling that an ID number as written is not its canonical form (see ``canonical_number``).
NOT_CANONICAL = frozenset({"ID_UPGRADED_15", "BAD_CHECK_DIGIT", "MALFORMED_ID", "ID_STORED_AS_NUMBER",
                           "MISSING_FIELD"})
# One encoder for every row: json.dumps with options builds a new one per call.
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _hex_uuid7() -> str:
    return uuid7().hex


class RowRecords(NamedTuple):
    row: tuple  # ROW_COLUMNS
    marriage: tuple | None  # MARRIAGE_COLUMNS
    parties: tuple[tuple, ...]  # PARTY_COLUMNS

    @property
    def marriage_id(self) -> uuid.UUID | str | None:
        return self.marriage[0] if self.marriage else None


def original_text(row: ArchiveRow) -> str:
    """The row as read, in ArchiveRow field order (a list: compact, and cheap to make). Written as
    ``_to_json`` writes a list of strings, each string by the same C encoder it uses."""
    values = (row.certificate_number, row.register_date, row.kind, row.man_id, row.man_name, row.woman_id,
              row.woman_name, row.office_code)
    return "[" + ",".join(map(encode_basestring, values)) + "]"


def unreadable_text(raw: str) -> str:
    return _to_json({"raw": raw})


def read_original(text: str) -> ArchiveRow | None:
    """The row as imported, or None for a row that could not be read (its raw text only)."""
    data = json.loads(text)
    return None if isinstance(data, dict) else ArchiveRow(*data)


def register_date(row: ArchiveRow, today: dt.date) -> dt.date | None:
    day = parse_day(row.register_date) if row.register_date else None
    return day if day is not None and day <= today else None


def _birth_date(number: str, today: dt.date) -> dt.date | None:
    born = id_birth_day(number)
    return born if born is not None and born <= today else None


def canonical_number(raw: str, checked: bool) -> str | None:
    """``canonical_id(raw)[0]``. When the row's checks found nothing wrong with this number
    (``checked``: no NOT_CANONICAL defect on its field), a number written as 18 plain characters is
    already canonical, so the check digit is not computed a third time."""
    if checked and len(raw) == 18 and raw.isascii() and raw.isalnum():
        return raw.upper()
    return canonical_id(raw)[0] if raw else None


class RowMaterializer:
    """Builds the records of one import's rows; the cipher encrypts and hashes the ID numbers."""

    def __init__(self, cipher: PiiCipher, import_id: uuid.UUID, today: dt.date, *,
                 hex_ids: bool = False) -> None:
        """``hex_ids``: the records' uuid values (the import's id, new marriage ids) as 32 hex
        digits, which asyncpg writes as uuids. For the import's bulk writes: the garbage collector
        stops tracking a tuple of strings, bytes, dates and numbers once it has seen it, but not
        one holding a UUID object, and every full collection then walked every record waiting to
        be written (about 10 µs a row in a million-row import)."""
        self._cipher = cipher
        self.import_id = import_id
        self.import_key: uuid.UUID | str = import_id.hex if hex_ids else import_id
        self._new_id = _hex_uuid7 if hex_ids else uuid7
        self._today = today

    def party(self, marriage_id: uuid.UUID, position: int, raw_id: str, name: str, sex: str,
              checked: bool = False) -> tuple[tuple, bytes | None]:
        """(PARTY_COLUMNS values, look-up hash). The number kept is the canonical one when there is
        one (a 15-digit number upgraded, a wrong check character replaced, as ``canonical_id``
        does) so the person is found again; otherwise the text as written, kept but never used to
        match anyone (no look-up hash)."""
        return self._party(marriage_id, position, raw_id, canonical_number(raw_id, checked), name, sex)

    def _party(self, marriage_id: uuid.UUID, position: int, raw_id: str, number: str | None, name: str,
               sex: str) -> tuple[tuple, bytes | None]:
        """``party`` with the canonical number (``canonical_id(raw_id)[0]``) already known."""
        stored = number or "".join(unicodedata.normalize("NFKC", raw_id).split()).upper()
        cipher = self._cipher
        digest = cipher.digest(stored)
        values = (marriage_id, position, RESIDENT_ID, digest, cipher.encrypt(stored), mask_id(stored),
                  name, sex, _birth_date(number, self._today) if number else None, MAINLAND)
        return values, digest if number else None

    def lookup_hash(self, raw_id: str, checked: bool = False) -> bytes | None:
        number = canonical_number(raw_id, checked)
        return self._cipher.digest(number) if number else None

    def records(self, number: int, row: ArchiveRow, marriage_id: uuid.UUID | None = None,
                suspect: Container[str] = ("man_id", "woman_id"),
                facts: RowFacts | None = None) -> RowRecords:
        """A marriage row with a usable date becomes a marriage record; every row is kept.

        ``facts``: the row's ``row_facts`` when the caller has them already (the import's checks);
        ``suspect`` is then not needed. Without them: the ID fields whose numbers the row's checks
        did not find canonical (all of them when the row was not checked)."""
        if facts is None:
            man_number = canonical_number(row.man_id, "man_id" not in suspect)
            woman_number = canonical_number(row.woman_id, "woman_id" not in suspect)
            kind = row_facts(row).kind
            day = register_date(row, self._today)
        else:
            kind, day, man_number, _, woman_number, _ = facts
            if day is not None and day > self._today:
                day = None
        marriage, parties = None, ()
        if kind is ArchiveKind.MARRIAGE and day is not None:
            marriage_id = marriage_id or self._new_id()
            marriage = (marriage_id, row.certificate_number, row.office_code, day, REGISTERED, True,
                        self.import_key)
            man, man_hash = self._party(marriage_id, 0, row.man_id, man_number, row.man_name, "M")
            woman, woman_hash = self._party(marriage_id, 1, row.woman_id, woman_number, row.woman_name, "F")
            parties = (man, woman)
        else:
            marriage_id = None
            digest = self._cipher.digest
            man_hash = digest(man_number) if man_number else None
            woman_hash = digest(woman_number) if woman_number else None
        kept = (self.import_key, number, _KIND_TEXT[kind] if kind else "", row.certificate_number, day,
                man_hash, woman_hash, marriage_id, self._cipher.encrypt(original_text(row)))
        return RowRecords(kept, marriage, parties)

    def unreadable(self, number: int, raw: str) -> tuple:
        original = self._cipher.encrypt(unreadable_text(raw))
        return (self.import_key, number, "", "", None, None, None, None, original)
