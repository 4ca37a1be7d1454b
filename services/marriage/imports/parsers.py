"""Streaming readers of archive files: bytes arrive in chunks, rows come out as soon as they are whole.

A reader never holds the whole file: CSV and JSON lines keep only the unfinished tail of the last
chunk; XLSX (a zip archive, readable only from a file) is spooled to a temporary file and then read
row by row by openpyxl in read-only mode. A row that cannot be read becomes a ``Record`` with no
values, its raw text and the reason — it is flagged, never dropped.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from typing import IO, NamedTuple, Protocol

import openpyxl
from servicekit.errors import DomainError, invalid

from marriage.domain.history import ArchiveRow
from marriage.imports.columns import header_fields, mapped

UTF8, GB18030 = "UTF-8", "GB18030"
_ENCODINGS = {"utf8": UTF8, "utf-8": UTF8, "utf-8-sig": UTF8, "gb18030": GB18030, "gbk": GB18030,
              "gb2312": GB18030, "cp936": GB18030}
_CODEC = {UTF8: "utf-8-sig", GB18030: "gb18030"}  # utf-8-sig drops a byte-order mark
REPLACEMENT = "\ufffd"
# A workbook unpacks to several times its size; openpyxl holds its shared strings whole in memory
# (read-only mode streams only the rows). Beyond these it is a zip bomb, not an archive: a genuine
# sheet compresses some 5 to 20 times, deflate at most about 1000 times.
MAX_XLSX_UNPACKED_BYTES = 2 << 30
MAX_XLSX_RATIO = 100
_RATIO_FROM_BYTES = 1 << 20  # small members (styles, an empty sheet) compress far better
# An unfinished quoted field longer than this is a stray quote, not a field: the line is let go.
MAX_PENDING_CHARS = 1 << 20

# One CSV record as Python's csv module reads it: a quoted field may hold newlines and doubled
# quotes (and, leniently, text after the closing quote); a quote inside an unquoted field is text.
_FIELD = r'(?:"(?:[^"]|"")*"[^,\r\n]*|[^",\r\n][^,\r\n]*|)'
_CSV_RECORD = re.compile(_FIELD + r"(?:," + _FIELD + r")*(?:\r\n|\n|\r)")


class Record(NamedTuple):
    """One data row: ``number`` counts data rows from 1 (the header row is not counted)."""

    number: int
    row: ArchiveRow | None  # None: the row could not be read
    raw: str = ""
    error: str = ""


class Parser(Protocol):
    encoding: str

    def feed(self, data: bytes) -> Iterable[Record]: ...

    def close(self) -> Iterable[Record]: ...


def canonical_encoding(name: str) -> str:
    """"UTF-8" or "GB18030" for a requested encoding; "" asks for detection."""
    if not name.strip():
        return ""
    try:
        return _ENCODINGS[name.strip().lower()]
    except KeyError:
        raise invalid("UNSUPPORTED_ENCODING", f"不支持的字符编码 {name}：应为 UTF-8 或 GB18030",
                      "encoding") from None


class TextDecoder:
    """Incremental decoding in UTF-8 (with or without BOM) or GB18030.

    With no encoding given, the first ``DETECT_BYTES`` from the first byte that is not plain ASCII
    decide (or the whole file, if shorter): strictly valid UTF-8, else GB18030 (plain ASCII reads
    alike in both). However the file is chunked: the first non-ASCII bytes of a GB18030 file, cut
    short (D6, D6 A4, D6 A4 CA), are also a valid start of UTF-8. Undecodable bytes become U+FFFD,
    which marks the row they are in as unreadable instead of failing the whole import.
    """

    def __init__(self, encoding: str = "") -> None:
        self.encoding = canonical_encoding(encoding)
        self._decoder = self._make(self.encoding) if self.encoding else None
        self._held = b""  # undecided: the bytes from the first non-ASCII one

    @staticmethod
    def _make(encoding: str) -> codecs.IncrementalDecoder:
        return codecs.getincrementaldecoder(_CODEC[encoding])(errors="replace")

    def decode(self, data: bytes, final: bool = False) -> str:
        if self._decoder is None:
            held = self._held + data
            start = 0 if self._held else _first_non_ascii(held)
            if not final and (start < 0 or len(held) - start < DETECT_BYTES):
                if start < 0:
                    return held.decode("ascii")
                self._held = held[start:]
                return held[:start].decode("ascii")
            self._held = b""
            self.encoding = UTF8 if _strict_utf8(held[max(start, 0):], final) else GB18030
            self._decoder = self._make(self.encoding)
            data = held
        return self._decoder.decode(data, final)


DETECT_BYTES = 256
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _first_non_ascii(data: bytes) -> int:
    found = _NON_ASCII.search(data)
    return found.start() if found else -1


def _strict_utf8(data: bytes, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")(errors="strict").decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


_ROW_FIELDS = tuple(f.name for f in fields(ArchiveRow))


class _RowBuilder:
    """Numbers the data rows and turns header-ordered cells into records."""

    def __init__(self) -> None:
        self.width = 0
        self._columns: list[int] | None = None  # per ArchiveRow field: its column, or -1
        self.count = 0

    def cells(self, cells: list, raw: str) -> Record | None:
        """A record for a row of cells; the first non-blank row is the header (None for it and blanks)."""
        if all(_blank(c) for c in cells):
            return None
        if self._columns is None:
            found = header_fields(cells)
            self.width = len(found)
            self._columns = [found.index(f) if f in found else -1 for f in _ROW_FIELDS]
            return None
        self.count += 1
        width = self.width
        if len(cells) < width or any(not _blank(c) for c in cells[width:]):
            return Record(self.count, None, raw, f"该行有{len(cells)}列，表头为{width}列，无法对应各列")
        if REPLACEMENT in raw:
            return Record(self.count, None, raw, "该行含有无法按所选字符编码解码的字节")
        return Record(self.count, ArchiveRow.from_mapping(
            {f: _cell_text(cells[i]) for f, i in zip(_ROW_FIELDS, self._columns) if i >= 0}))

    def texts(self, cells: list[str], raw: str) -> Record | None:
        """The same for cells that are all text (CSV), without per-cell conversion."""
        if self._columns is None or not "".join(cells).strip() or len(cells) != self.width \
                or REPLACEMENT in raw:
            return self.cells(cells, raw)
        self.count += 1
        return Record(self.count, ArchiveRow.from_texts([cells[i] if i >= 0 else "" for i in self._columns]))

    def unreadable(self, raw: str, error: str) -> Record:
        self.count += 1
        return Record(self.count, None, raw, error)


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cell_text(cell: object) -> object:
    """Spreadsheet numbers as the digits a clerk typed; dates are left for ArchiveRow.

    A number cell keeps 15 significant digits (Excel's precision, and the sheet's stored form): an
    18-digit ID typed into one has lost its last digits and is kept as the number the cell holds,
    4.2128119600315e+17, never as 18 digits nobody typed (those would pass the ID checks one time in
    eleven and name someone else). The checks flag it ID_STORED_AS_NUMBER."""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if not cell.is_integer():
            return str(cell)
        return str(int(cell)) if abs(cell) < _EXACT_DIGITS_BELOW else _scientific(cell)
    if isinstance(cell, (dt.date, str)) or cell is None:
        return cell
    return str(cell)


_EXACT_DIGITS_BELOW = 1e15  # whole numbers of up to 15 digits come back as typed


def _scientific(number: float) -> str:
    """The shortest scientific form that reads back as ``number`` (4.2128119600315e+17)."""
    for digits in range(17):
        text = f"{number:.{digits}e}"
        if float(text) == number:
            return text
    return f"{number:.17e}"


class CsvParser:
    """RFC 4180 CSV as Excel writes it (comma-separated, ``"`` quoting), header row first."""

    def __init__(self, encoding: str = "") -> None:
        self._decoder = TextDecoder(encoding)
        self._rows = _RowBuilder()
        self._pending = ""

    @property
    def encoding(self) -> str:
        return self._decoder.encoding

    def feed(self, data: bytes) -> list[Record]:
        return self._records(self._decoder.decode(data))

    def close(self) -> list[Record]:
        records = self._records(self._decoder.decode(b"", final=True))
        tail, self._pending = self._pending, ""
        if tail:  # the last line had no line break
            records.extend(self._parse([tail]))
        return records

    def _records(self, text: str) -> list[Record]:
        buf = self._pending + text
        if '"' not in buf and buf.count("\r") == buf.count("\r\n"):  # no quoting: a record is a line
            cut = buf.rfind("\n") + 1
            self._pending = buf[cut:]
            if len(self._pending) > MAX_PENDING_CHARS:
                return self._records_quoted(buf)
            return self._lines(buf[:cut].split("\n")[:-1])
        return self._records_quoted(buf)

    def _lines(self, lines: list[str]) -> list[Record]:
        records = []
        for line in lines:
            line = line.rstrip("\r")
            record = self._rows.texts(line.split(","), line)
            if record is not None:
                records.append(record)
        return records

    def _records_quoted(self, buf: str) -> list[Record]:
        complete, pos = [], 0
        while match := _CSV_RECORD.match(buf, pos):
            complete.append(match.group())
            pos = match.end()
        records = self._parse(complete)
        if len(buf) - pos > MAX_PENDING_CHARS:  # an unclosed quote: give up on its line
            end = buf.find("\n", pos) + 1 or len(buf)
            records.append(self._rows.unreadable(buf[pos:end].rstrip("\r\n"), "引号未闭合，无法读取该行"))
            pos = end
        self._pending = buf[pos:]
        return records

    def _parse(self, texts: list[str]) -> list[Record]:
        records = []
        for text, cells in zip(texts, csv.reader(texts)):
            record = self._rows.texts(cells, text.rstrip("\r\n"))
            if record is not None:
                records.append(record)
        return records


class JsonLinesParser:
    """One JSON object per line, keys in Chinese or English (see ``columns``)."""

    def __init__(self, encoding: str = "") -> None:
        self._decoder = TextDecoder(encoding)
        self._pending = ""
        self._skipping = False  # inside an over-long line already reported
        self._count = 0

    @property
    def encoding(self) -> str:
        return self._decoder.encoding

    def feed(self, data: bytes) -> list[Record]:
        return self._lines(self._decoder.decode(data), final=False)

    def close(self) -> list[Record]:
        return self._lines(self._decoder.decode(b"", final=True), final=True)

    def _lines(self, text: str, final: bool) -> list[Record]:
        if self._skipping:
            end = text.find("\n")
            if end < 0:
                return []
            text, self._skipping = text[end + 1:], False
        lines = (self._pending + text).split("\n")
        self._pending = "" if final else lines.pop()
        records = self._parse(lines)
        if len(self._pending) > MAX_PENDING_CHARS:  # no line break in sight: not an archive row
            self._count += 1
            records.append(Record(self._count, None, self._pending[:200], "该行过长，无法读取"))
            self._pending, self._skipping = "", True
        return records

    def _parse(self, lines: list[str]) -> list[Record]:
        records = []
        for line in lines:
            text = line.strip()
            if not text:
                continue
            self._count += 1
            records.append(self._record(text))
        return records

    def _record(self, text: str) -> Record:
        if REPLACEMENT in text:
            return Record(self._count, None, text, "该行含有无法按所选字符编码解码的字节")
        try:
            data = json.loads(text)
        except ValueError:
            return Record(self._count, None, text, "该行不是有效的 JSON")
        if not isinstance(data, Mapping):
            return Record(self._count, None, text, "该行应为一个 JSON 对象")
        return Record(self._count, ArchiveRow.from_mapping(
            {f: _cell_text(v) for f, v in mapped(data).items()}))


class XlsxParser:
    """The first worksheet of an .xlsx workbook, header row first. Chunks are spooled to a temporary
    file (a zip archive is read from its end); rows are then read one at a time."""

    encoding = ""

    def __init__(self, encoding: str = "") -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="civic-import-", suffix=".xlsx")

    def feed(self, data: bytes) -> list[Record]:
        self._file.write(data)
        return []

    def close(self) -> Iterator[Record]:
        self._file.seek(0)
        try:
            _require_unpackable(self._file)
            self._file.seek(0)
            workbook = openpyxl.load_workbook(self._file, read_only=True, data_only=True)
        except DomainError:
            self._file.close()
            raise
        except Exception:  # noqa: BLE001 - any failure means "not a workbook"
            self._file.close()
            raise invalid("UNREADABLE_WORKBOOK", "文件不是有效的 XLSX 工作簿", "data") from None
        return self._rows(workbook)

    def _rows(self, workbook: openpyxl.Workbook) -> Iterator[Record]:
        rows = _RowBuilder()
        try:
            for cells in workbook.worksheets[0].iter_rows(values_only=True):
                values = list(cells)
                record = rows.cells(values, "\t".join("" if c is None else str(c) for c in values))
                if record is not None:
                    yield record
        finally:
            workbook.close()
            self._file.close()


def _require_unpackable(file: IO[bytes]) -> None:
    """Refuse a workbook whose members would unpack beyond the limits, by the sizes its zip directory
    declares (zipfile never inflates a member beyond its declared size)."""
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
    total = sum(m.file_size for m in members)
    inflated = [m for m in members if m.file_size > _RATIO_FROM_BYTES
                and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1)]
    if total > MAX_XLSX_UNPACKED_BYTES or inflated:
        raise invalid("WORKBOOK_TOO_LARGE", f"工作簿解压后过大（{total} 字节），不像档案表格：请拆分后分批导入，"
                      "或改用 CSV 格式", "data")


FORMATS = {"CSV": CsvParser, "XLSX": XlsxParser, "JSONL": JsonLinesParser}


def detect_format(source_name: str, head: bytes) -> str:
    """CSV, XLSX or JSONL from the file name's extension, else from the first bytes."""
    suffix = source_name.lower().rsplit(".", 1)[-1] if "." in source_name else ""
    by_suffix = {"csv": "CSV", "txt": "CSV", "xlsx": "XLSX", "jsonl": "JSONL", "ndjson": "JSONL",
                 "json": "JSONL"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if head.startswith(b"PK\x03\x04"):
        return "XLSX"
    return "JSONL" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "CSV"


def make_parser(fmt: str, encoding: str) -> Parser:
    return FORMATS[fmt](encoding)
