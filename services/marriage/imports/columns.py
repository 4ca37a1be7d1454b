"""Column names of archive files: the Chinese headers archive clerks type and the English field names."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from servicekit.errors import invalid

_ALIASES: dict[str, tuple[str, ...]] = {
    "certificate_number": ("证书编号", "证书字号", "结婚证字号", "证件字号", "证号", "字号", "certificate"),
    "register_date": ("登记日期", "登记时间", "date"),
    "kind": ("类别", "登记类别", "登记类型", "类型", "type"),
    "man_name": ("男方姓名", "男方"),
    "man_id": ("男方身份证号", "男方身份证号码", "男方证件号码", "男方公民身份号码"),
    "woman_name": ("女方姓名", "女方"),
    "woman_id": ("女方身份证号", "女方身份证号码", "女方证件号码", "女方公民身份号码"),
    "office_code": ("登记机关", "登记机关代码", "登记机关区划代码", "office"),
}


def _key(header: object) -> str:
    """Full-width folded, lower case, BOM, spaces (inside too: 男方　姓名), ``-`` and ``_`` dropped."""
    text = unicodedata.normalize("NFKC", str(header or "")).replace("\ufeff", "").lower()
    return "".join(text.replace("-", " ").replace("_", " ").split())


FIELD_OF: dict[str, str] = {_key(alias): field for field, aliases in _ALIASES.items()
                            for alias in (field, *aliases)}
FIELDS = tuple(_ALIASES)


def header_fields(headers: Iterable[object]) -> list[str | None]:
    """The archive field of each header cell (None for columns that are not ours, e.g. 备注).

    Refused when no column is recognised: the file is not an archive list (or has no header row)."""
    fields = [FIELD_OF.get(_key(h)) for h in headers]
    if not any(fields):
        raise invalid("UNRECOGNIZED_HEADER",
                      "表头中没有可识别的列（应包含证书编号、登记日期、类别、男方姓名、男方身份证号、"
                      "女方姓名、女方身份证号、登记机关）", "data")
    return fields


def mapped(data: Mapping[str, object]) -> dict[str, object]:
    """A JSON object's keys (Chinese or English) as archive field names; other keys dropped."""
    out: dict[str, object] = {}
    for key, value in data.items():
        field = FIELD_OF.get(_key(key))
        if field is not None:
            out[field] = value
    return out
