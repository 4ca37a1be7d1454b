"""Streaming readers of archive files: encodings, headers, chunk boundaries, unreadable rows."""
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from marriage.domain.history import ArchiveRow
from marriage.imports import parsers
from marriage.imports.parsers import CsvParser, JsonLinesParser, XlsxParser, detect_format
from servicekit.errors import DomainError

ZH = "证书编号,登记日期,类别,男方姓名,男方身份证号,女方姓名,女方身份证号,登记机关"
EN = "certificate_number,register_date,kind,man_name,man_id,woman_name,woman_id,office_code"
ROW = "鄂蒲婚字(1985)第000123号,1985-06-01,结婚,张建国,421281196003150011,李秀英,421281196208010020,421281"
PARSED = ArchiveRow("鄂蒲婚字(1985)第000123号", "1985-06-01", "结婚", "421281196003150011", "张建国",
                    "421281196208010020", "李秀英", "421281")


def read(parser, data: bytes, chunk: int = 65536) -> list[parsers.Record]:
    records = []
    for i in range(0, len(data), chunk):
        records += parser.feed(data[i:i + chunk])
    return records + list(parser.close())


def csv_bytes(*lines: str, encoding: str = "gb18030") -> bytes:
    return "".join(line + "\r\n" for line in lines).encode(encoding)


def test_gb18030_csv_with_chinese_headers_is_detected():
    parser = CsvParser()
    records = read(parser, csv_bytes(ZH, ROW))
    assert parser.encoding == "GB18030"
    assert records == [parsers.Record(1, PARSED)]


def test_utf8_with_byte_order_mark_and_english_headers():
    parser = CsvParser()
    assert read(parser, csv_bytes(EN, ROW, encoding="utf-8-sig")) == [parsers.Record(1, PARSED)]
    assert parser.encoding == "UTF-8"


def test_named_encoding_is_used_as_given():
    parser = CsvParser("gbk")
    assert read(parser, csv_bytes(ZH, ROW))[0].row == PARSED
    assert parser.encoding == "GB18030"


def test_encoding_is_decided_by_the_first_chunk_that_is_not_ascii():
    data = csv_bytes(EN, "A1,1985-06-01,marriage,x,1,y,2,421281", ROW)
    parser = CsvParser()
    records = read(parser, data, chunk=len(EN) + 2)  # the first chunk is the plain-ASCII header
    assert parser.encoding == "GB18030" and records[1].row == PARSED


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_rows_split_anywhere_across_chunks_read_the_same(chunk):
    quoted = '"鄂蒲婚字(1985)第1号",1985-06-01,结婚,"张""小""三",421281196003150011,"李\r\n四",1,421281'
    data = csv_bytes(ZH, ROW, quoted, ROW)
    whole = read(CsvParser("GB18030"), data)
    assert read(CsvParser("GB18030"), data, chunk) == whole
    assert [r.number for r in whole] == [1, 2, 3]
    assert (whole[1].row.man_name, whole[1].row.woman_name) == ('张"小"三', "李\r\n四")


def test_last_row_without_a_line_break_is_read():
    data = (ZH + "\n" + ROW).encode("gb18030")
    assert read(CsvParser(), data) == [parsers.Record(1, PARSED)]


def test_misaligned_rows_are_kept_as_raw_text_and_blank_lines_skipped():
    shifted = ROW + ",见原件备注"
    short = "鄂蒲婚字(1985)第000124号,1985-06-01,结婚"
    records = read(CsvParser(), csv_bytes(ZH, "", shifted, ",,,,,,,", short, ROW))
    assert [(r.number, r.row is None) for r in records] == [(1, True), (2, True), (3, False)]
    assert records[0].raw == shifted and "9列" in records[0].error
    assert records[1].raw == short


def test_trailing_empty_cells_are_tolerated():
    assert read(CsvParser(), csv_bytes(ZH, ROW + ",,"))[0].row == PARSED


def test_undecodable_bytes_make_the_row_unreadable_not_the_file():
    bad = ROW.encode("gb18030").replace(b",421281", b",\xff421281")
    data = csv_bytes(ZH) + bad + b"\r\n" + csv_bytes(ROW)
    records = read(CsvParser("GB18030"), data)
    assert records[0].row is None and "解码" in records[0].error
    assert records[1].row == PARSED


def test_an_unclosed_quote_gives_up_its_line_instead_of_holding_the_file(monkeypatch):
    monkeypatch.setattr(parsers, "MAX_PENDING_CHARS", 200)
    stray = '"鄂蒲婚字(1985)第9号,1985-06-01,结婚,张三,1,李四,2,421281'
    records = read(CsvParser(), csv_bytes(ZH, stray, *[ROW] * 5), chunk=50)
    assert records[0].row is None and records[0].raw == stray
    assert [r.row for r in records[1:]] == [PARSED] * 5


def test_unknown_headers_and_encodings_are_refused():
    with pytest.raises(DomainError) as header:
        read(CsvParser(), csv_bytes("姓名,日期", "a,b"))
    assert header.value.reason == "UNRECOGNIZED_HEADER"
    with pytest.raises(DomainError) as encoding:
        CsvParser("latin-1")
    assert encoding.value.reason == "UNSUPPORTED_ENCODING"


def test_unknown_columns_are_ignored():
    records = read(CsvParser(), csv_bytes("备注," + ZH, "见档案," + ROW))
    assert records[0].row == PARSED


def test_json_lines_with_chinese_or_english_keys():
    english = json.dumps({"certificate_number": "鄂蒲婚字(1985)第000123号", "register_date": "1985-06-01",
                          "kind": "结婚", "man_name": "张建国", "man_id": "421281196003150011",
                          "woman_name": "李秀英", "woman_id": 421281196208010020, "office_code": "421281"},
                         ensure_ascii=False)
    chinese = json.dumps(dict(zip(ZH.split(","), ROW.split(","))), ensure_ascii=False)
    data = "\n".join([english, "", chinese, english[:-1], "[1, 2]"]).encode("utf-8")
    records = read(JsonLinesParser(), data, chunk=5)
    assert [r.row for r in records[:2]] == [PARSED, PARSED]
    assert [(r.number, r.row, r.error) for r in records[2:]] == [
        (3, None, "该行不是有效的 JSON"), (4, None, "该行应为一个 JSON 对象")]
    assert records[2].raw == english[:-1]


def test_an_endless_json_line_is_reported_once_and_reading_goes_on(monkeypatch):
    monkeypatch.setattr(parsers, "MAX_PENDING_CHARS", 300)
    good = json.dumps(dict(zip(ZH.split(","), ROW.split(","))), ensure_ascii=False)
    data = ("{" + '"x": 1, ' * 100 + "}\n" + good + "\n").encode("utf-8")
    records = read(JsonLinesParser(), data, chunk=30)
    assert [(r.number, r.row is None) for r in records] == [(1, True), (2, False)]
    assert records[1].row == PARSED


def _workbook(*rows: list) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("档案")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_rows_with_dates_numbers_blanks_and_extra_cells():
    cells = ROW.split(",")
    as_date = [cells[0], dt.date(1985, 6, 1), *cells[2:]]
    as_number = [*cells[:4], 421281196003150011, cells[5], 4.21281196208010020e17, 421281]
    data = _workbook([], ZH.split(","), as_date, [None] * 8, as_number, [*cells, "见原件备注"])
    records = read(XlsxParser(), data, chunk=1000)
    assert [r.number for r in records] == [1, 2, 3]
    assert records[0].row == PARSED
    # A spreadsheet number keeps 15 significant digits: an ID typed as a number has lost its last
    # ones, and is read back as the number the cell holds, never as 18 digits nobody typed (the
    # checks flag it ID_STORED_AS_NUMBER).
    assert (records[1].row.man_id, records[1].row.woman_id) == ("4.2128119600315e+17", "4.2128119620801e+17")
    assert records[2].row is None and records[2].raw.endswith("\t见原件备注")


def test_a_file_that_is_not_a_workbook_is_refused():
    parser = XlsxParser()
    parser.feed(b"not a zip")
    with pytest.raises(DomainError) as err:
        list(parser.close())
    assert err.value.reason == "UNREADABLE_WORKBOOK"


@pytest.mark.parametrize(("name", "head", "fmt"), [
    ("archive.CSV", b"", "CSV"), ("a.xlsx", b"", "XLSX"), ("a.jsonl", b"", "JSONL"),
    ("", b"PK\x03\x04", "XLSX"), ("", b'\xef\xbb\xbf{"a"', "JSONL"), ("upload", "证书".encode(), "CSV"),
])
def test_format_from_name_or_first_bytes(name, head, fmt):
    assert detect_format(name, head) == fmt


def _with_member(workbook: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one more (or a replaced) zip member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != name:
                dst.writestr(item, src.read(item.filename))
        dst.writestr(name, content)
    return out.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    """openpyxl reads a workbook's shared strings whole, even in read-only mode: a few hundred KB of
    upload that inflate a thousandfold took the service's memory. A member inflating far beyond any
    spreadsheet's compression, or a workbook larger unpacked than the limit, is refused unread."""
    book = _workbook([], ZH.split(","), ROW.split(","))
    padding = b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>" \
        + b"A" * (24 << 20) + b"</t></si></sst>"
    bomb = _with_member(book, "xl/sharedStrings.xml", padding)
    assert len(bomb) < (1 << 20)
    loaded = []
    monkeypatch.setattr(parsers.openpyxl, "load_workbook", lambda *a, **k: loaded.append(a) or pytest.fail("unpacked"))
    parser = XlsxParser()
    parser.feed(bomb)
    with pytest.raises(DomainError) as err:
        list(parser.close())
    assert (err.value.reason, err.value.violations[0].field) == ("WORKBOOK_TOO_LARGE", "data")
    assert not loaded


def test_an_xlsx_larger_unpacked_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(parsers, "MAX_XLSX_UNPACKED_BYTES", 1000)
    parser = XlsxParser()
    parser.feed(_workbook([], ZH.split(","), ROW.split(",")))
    with pytest.raises(DomainError) as err:
        list(parser.close())
    assert err.value.reason == "WORKBOOK_TOO_LARGE"


def test_headers_typed_with_full_width_or_inner_spaces_in_another_order_are_recognised():
    """A clerk's header: columns in another order, a full-width space inside a name (男方　姓名), a
    spaced English name. Before, 男方　姓名 was not recognised: its column was dropped, every row
    lost the man's name from the kept original and was flagged MISSING_FIELD."""
    cells = ROW.split(",")
    header = "女方身份证号,　男方　姓名　,登记 日期,Certificate Number,类别,男方身份证号,女方姓名,office-code"
    row = ",".join([cells[6], cells[3], cells[1], cells[0], cells[2], cells[4], cells[5], cells[7]])
    assert read(CsvParser(), csv_bytes(header, row, encoding="utf-8")) == [parsers.Record(1, PARSED)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5])
def test_gb18030_is_detected_whatever_the_chunks(chunk):
    """The encoding is decided on enough bytes, not on the first non-ASCII one: a GB18030 chunk
    cut after 1–3 bytes (D6, D6 A4, D6 A4 CA) is a valid start of UTF-8. Before, a client sending
    small chunks had its GB18030 file read as UTF-8 (UNRECOGNIZED_HEADER, or every row unreadable);
    rare characters outside GBK (𠀀, four bytes in GB18030) come through."""
    rare = ROW.replace("张建国", "𠀀建国").replace("李秀英", "﨑秀英")
    for header in (ZH, EN):
        parser = CsvParser()
        records = read(parser, csv_bytes(header, rare), chunk)
        assert parser.encoding == "GB18030"
        assert [(r.row.man_name, r.row.woman_name) for r in records] == [("𠀀建国", "﨑秀英")]


def test_ids_a_spreadsheet_stored_as_numbers_are_kept_as_the_number_not_as_invented_digits():
    """Excel keeps 15 significant digits: an 18-digit ID typed into a number cell comes back as
    4.2128119600315E+17. Before, it was read as 18 digits nobody typed (421281196003150016), which
    passed the ID checks one time in eleven and were imported as someone's ID without a flag."""
    cells = ROW.split(",")
    as_number = [*cells[:4], 421281196003150011, cells[5], 421281600315001.0, 421281]
    records = read(XlsxParser(), _workbook(ZH.split(","), as_number), chunk=1000)
    row = records[0].row
    assert row.man_id == "4.2128119600315e+17"  # what the cell holds (the sheet's <v>)
    assert row.woman_id == "421281600315001"  # 15 digits fit a double exactly
    assert row.office_code == "421281"
    line = json.dumps({"男方身份证号": 4.2128119600315e17, "女方身份证号": 421281196208010020})
    records = read(JsonLinesParser(), line.encode())
    assert (records[0].row.man_id, records[0].row.woman_id) == ("4.2128119600315e+17", "421281196208010020")
