"""The two parties of a registration and how they are identified at the window (rules.md §1.3)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from servicekit.errors import invalid
from servicekit.identifiers import parse_resident_id

if TYPE_CHECKING:
    from marriage.domain.proofs import NoSpouseProof

Sex = Literal["M", "F"]

MAX_NAME_LENGTH = 50
MAINLAND_NATIONALITY = "CHN"
_NATIONALITY = re.compile(r"[A-Z]{3}")  # GB/T 2659 (ISO 3166-1 alpha-3)
_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")


class IdType(StrEnum):
    RESIDENT_ID = "RESIDENT_ID"
    PASSPORT = "PASSPORT"
    HK_MACAO_PERMIT = "HK_MACAO_PERMIT"
    TAIWAN_PERMIT = "TAIWAN_PERMIT"


@dataclass(frozen=True)
class Party:
    id_type: IdType
    id_number: str  # canonical: 18-character resident ID, or the document number upper-cased
    name: str
    sex: Sex
    birth_date: dt.date
    nationality: str
    # Presented at registration by a party who is not a mainland resident (domain.proofs).
    no_spouse_proof: NoSpouseProof | None = None

    @property
    def key(self) -> str:
        """Identity of a person across records: the same document type and number."""
        return party_key(self.id_type, self.id_number)


def party_key(id_type: IdType, id_number: str) -> str:
    return f"{id_type}:{id_number}"


def _compact(raw: str) -> str:
    """Full-width characters folded (IME input) and all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", raw).split())


# What a name is written with: letters of any script (rare characters not yet in Unicode are written
# in the private-use area by the police's own systems, so those too), combining marks, 〇, spaces,
# and the separators of transliterated and foreign names (阿卜杜拉·艾买提, O'BRIEN, JEAN-PIERRE,
# ST. JOHN). Not digits, symbols, or invisible characters (controls, direction overrides, zero
# widths) — an ID number or a reversed text smuggled into a name would be printed on a certificate.
_NAME_CATEGORIES = ("L", "M", "Nl", "Co", "Zs")
_NAME_SEPARATORS = frozenset("·•・‧.-'’")


def _name_character_ok(char: str) -> bool:
    return char in _NAME_SEPARATORS or unicodedata.category(char).startswith(_NAME_CATEGORIES)


def checked_name(raw: str, field_name: str = "name") -> str:
    """A person's name as written on a record (spaces folded), or refused naming ``field_name``."""
    name = " ".join(raw.split())
    if not name:
        raise invalid("NAME_REQUIRED", "姓名不能为空", field_name)
    if len(name) > MAX_NAME_LENGTH:
        raise invalid("NAME_TOO_LONG", f"姓名不能超过{MAX_NAME_LENGTH}个字符", field_name)
    wrong = next((char for char in name if not _name_character_ok(char)), None)
    if wrong is not None:
        shown = wrong if wrong.isprintable() and not wrong.isspace() else f"U+{ord(wrong):04X}"
        raise invalid("INVALID_NAME", f"姓名含有不能用于姓名的字符“{shown}”（数字、符号或不可见字符）", field_name)
    return name


def _checked_sex(sex: str | None) -> Sex | None:
    if sex is None:
        return None
    if sex not in ("M", "F"):
        raise invalid("INVALID_SEX", "性别只能是男（M）或女（F）", "sex")
    return sex


def _mainland_party(id_number: str, name: str, nationality: str, sex: Sex | None,
                    birth_date: dt.date | None) -> Party:
    resident = parse_resident_id(id_number, "id_number")
    if sex is not None and sex != resident.sex:
        raise invalid("ID_DATA_MISMATCH", "录入的性别与身份证号码不一致", "sex")
    if birth_date is not None and birth_date != resident.birth_date:
        raise invalid("ID_DATA_MISMATCH", "录入的出生日期与身份证号码不一致", "birth_date")
    return Party(IdType.RESIDENT_ID, resident.number, name, resident.sex, resident.birth_date,
                 nationality or MAINLAND_NATIONALITY)


def _document_party(id_type: IdType, id_number: str, name: str, nationality: str, sex: Sex | None,
                    birth_date: dt.date | None) -> Party:
    number = _compact(id_number).upper()
    if not _DOCUMENT_NUMBER.fullmatch(number):
        raise invalid("INVALID_ID_NUMBER", "证件号码应为5至20位字母或数字", "id_number")
    if sex is None:
        raise invalid("SEX_REQUIRED", "非居民身份证件须录入性别", "sex")
    if birth_date is None:
        raise invalid("BIRTH_DATE_REQUIRED", "非居民身份证件须录入出生日期", "birth_date")
    if not nationality:
        raise invalid("NATIONALITY_REQUIRED", "非居民身份证件须录入国籍（地区）", "nationality")
    return Party(id_type, number, name, sex, birth_date, nationality)


def make_party(id_type: IdType, id_number: str, name: str, nationality: str, sex: str | None = None,
               birth_date: dt.date | None = None) -> Party:
    """A checked party. For resident IDs sex and birth date come from the number (entered values must
    agree); passports and permits carry no such facts, so they must be entered."""
    name = checked_name(name)
    checked_sex = _checked_sex(sex)
    code = _compact(nationality).upper()
    if code and not _NATIONALITY.fullmatch(code):
        raise invalid("INVALID_NATIONALITY", "国籍应为三位字母代码（GB/T 2659），如 CHN", "nationality")
    if id_type is IdType.RESIDENT_ID:
        return _mainland_party(id_number, name, code, checked_sex, birth_date)
    return _document_party(id_type, id_number, name, code, checked_sex, birth_date)


# --- who may register the case (rules.md §1.1, 婚姻登记条例 Art 2) ----------------------------------
# Mainland residents register at a county registry (or a township the province designates); a case
# with a foreign, Hong Kong/Macao/Taiwan or overseas-Chinese party only at the provincial department
# or a registry it designates. The kinds, in the order a refusal names them:
FOREIGN_CASE = "涉外"
HK_MACAO_TAIWAN_CASE = "涉港澳台"
OVERSEAS_CHINESE_CASE = "华侨"
CASE_KINDS = (FOREIGN_CASE, HK_MACAO_TAIWAN_CASE, OVERSEAS_CHINESE_CASE)
# Resident-ID-shaped numbers of people who are not mainland residents: 港澳台居民居住证 (2018) carry
# address codes 81 (Hong Kong), 82 (Macao) and 83 (Taiwan); the 外国人永久居留身份证 of 2023 starts
# with 9. No GB/T 2260 mainland county code starts with any of them.
RESIDENCE_PERMIT_PREFIXES = ("81", "82", "83")
FOREIGNER_PERMANENT_RESIDENCE_PREFIX = "9"


def party_case_kind(party: Party) -> str | None:
    """The kind of case this party makes (涉外, 涉港澳台, 华侨), or ``None`` for a mainland resident.

    A passport of a Chinese citizen (nationality CHN) is an overseas Chinese's (华侨): mainland
    residents register with their resident ID."""
    if party.id_type == IdType.PASSPORT:
        return OVERSEAS_CHINESE_CASE if party.nationality == MAINLAND_NATIONALITY else FOREIGN_CASE
    if party.id_type in (IdType.HK_MACAO_PERMIT, IdType.TAIWAN_PERMIT):
        return HK_MACAO_TAIWAN_CASE
    if party.id_number.startswith(RESIDENCE_PERMIT_PREFIXES):
        return HK_MACAO_TAIWAN_CASE
    if party.id_number.startswith(FOREIGNER_PERMANENT_RESIDENCE_PREFIX):
        return FOREIGN_CASE
    return None


def foreign_case_kind(parties: Iterable[Party]) -> str | None:
    """What makes a case one only a designated registry handles (rules.md §1.1 Art 2): the kinds of
    its parties that are not mainland residents, joined (e.g. ``涉外、涉港澳台``), or ``None`` when
    every party is a mainland resident."""
    kinds = {kind for party in parties if (kind := party_case_kind(party)) is not None}
    return "、".join(kind for kind in CASE_KINDS if kind in kinds) or None
