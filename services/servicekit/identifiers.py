"""National identifiers every service checks at the window: resident ID, credit code, division code.

The algorithms follow the standards cited in ``shared/domain/rules.md`` §0 and §3.3. Everything
here is pure: no I/O, no clock other than an optional ``today`` argument, so the rules can be unit
tested with plain values. Errors are ``DomainError`` values built with :func:`invalid`, with a
Chinese message that tells window staff exactly which part of the number is wrong.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from servicekit.clock import BUREAU_TZ
from servicekit.errors import DomainError, invalid

__all__ = [
    "DivisionLevel",
    "ResidentId",
    "age_on",
    "birth_date_in",
    "id_birth_day",
    "division_level",
    "parent_code",
    "parse_resident_id",
    "resident_id_check_digit",
    "upgrade_15_digit",
    "uscc_kind",
    "validate_division_code",
    "validate_uscc",
]

DivisionLevel = Literal["province", "prefecture", "county", "township", "village"]


def _normalize(raw: str) -> str:
    """Fold full-width characters (IME input at the window) and drop every whitespace character."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(folded.split())


# --------------------------------------------------------------------------------------------
# Resident ID (GB 11643-1999)
# --------------------------------------------------------------------------------------------

ID_REASON = "INVALID_ID_NUMBER"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID18_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_ID15_SHAPE = re.compile(r"[0-9]{15}")
# Earliest birth year accepted: resident IDs were first issued in 1984, so very old holders exist in
# archive records (funeral, old marriage files), but a year before 1800 can only be a typo.
_MIN_BIRTH_YEAR = 1800


@dataclass(frozen=True)
class ResidentId:
    """A checked resident ID number and the facts encoded in it (age and sex rules read these)."""

    number: str  # canonical 18 characters, check character upper-case X
    birth_date: dt.date
    sex: Literal["M", "F"]
    address_code: str  # county of first registration; may be a retired code, never re-validated
    upgraded_from_15: bool


def resident_id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID.

    The weights are 2^17 … 2^1 mod 11 (``_ID_WEIGHTS``), and 13 ≡ 2 (mod 11), so the weighted sum
    Σ dᵢ·2^(17−i) ≡ 2·Σ dᵢ·13^(16−i) = 2·int(first17, 13) (mod 11): one C call instead of 17
    multiplications (a historical import computes this millions of times).
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("resident_id_check_digit needs exactly 17 ASCII digits")
    return _ID_CHECK_CHARS[2 * int(first17, 13) % 11]


def upgrade_15_digit(id15: str) -> str:
    """Turn a legacy 15-digit number (1980s–1999, YYMMDD, no check) into its 18-digit form.

    Every 15-digit number was issued to someone born in the 1900s, hence the fixed "19".
    """
    if len(id15) != 15 or not id15.isascii() or not id15.isdigit():
        raise ValueError("upgrade_15_digit needs exactly 15 ASCII digits")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + resident_id_check_digit(first17)


def _bureau_today() -> dt.date:
    """Today on Beijing time: the server may run in UTC, birth dates are Chinese calendar days."""
    return dt.datetime.now(BUREAU_TZ).date()


def _id_birth_date(number: str, today: dt.date, field_name: str) -> dt.date:
    """The birth date at positions 7–14; it must exist on the calendar and not lie in the future."""
    digits = number[6:14]
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise invalid(ID_REASON, f"身份证号码中的出生日期 {digits} 不是有效日期", field_name) from None
    if born.year < _MIN_BIRTH_YEAR:
        raise invalid(ID_REASON, f"身份证号码中的出生日期 {digits} 年份不合理", field_name)
    if born > today:
        raise invalid(ID_REASON, f"身份证号码中的出生日期 {digits} 晚于今天", field_name)
    return born


# Birth dates repeat (a few tens of thousands of distinct days): each is made once. A plain dict of
# strings and dates is never tracked by the garbage collector (an lru_cache is, node by node).
_BIRTH_DAYS: dict[str, dt.date | None] = {}
_BIRTH_DAYS_KEPT = 1 << 17
_UNSEEN = object()


def id_birth_day(number: str) -> dt.date | None:
    """The calendar day written at positions 7–14 of an 18-character number, or None when there is
    no such day; nothing else is checked (see ``birth_date_in``)."""
    digits = number[6:14]
    born = _BIRTH_DAYS.get(digits, _UNSEEN)
    if born is _UNSEEN:
        try:
            born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            born = None
        if len(_BIRTH_DAYS) < _BIRTH_DAYS_KEPT:
            _BIRTH_DAYS[digits] = born
    return born


def birth_date_in(number: str, today: dt.date) -> dt.date | None:
    """The birth date of a canonical 18-character number (as ``parse_resident_id`` returns it), or
    None where ``parse_resident_id`` refuses it: no such day, a year before 1800, after ``today``.
    For bulk checks (historical imports) that already have the canonical number."""
    born = id_birth_day(number)
    if born is None or born.year < _MIN_BIRTH_YEAR or born > today:
        return None
    return born


def _canonical_id_number(raw: str, field_name: str) -> tuple[str, bool]:
    """Upper-cased 18-character form of the input and whether it came from a 15-digit number."""
    text = _normalize(raw).upper()
    if len(text) not in (15, 18):
        raise invalid(ID_REASON, f"身份证号码长度应为18位（旧证15位），实际为{len(text)}位", field_name)
    if len(text) == 15:
        if not _ID15_SHAPE.fullmatch(text):
            raise invalid(ID_REASON, "15位身份证号码只能由数字组成", field_name)
        first17 = text[:6] + "19" + text[6:]
        return first17 + resident_id_check_digit(first17), True
    if not _ID18_SHAPE.fullmatch(text):
        raise invalid(ID_REASON, "身份证号码前17位必须是数字，第18位校验位只能是数字或X", field_name)
    return text, False


def parse_resident_id(raw: str, field_name: str = "id_number", today: dt.date | None = None) -> ResidentId:
    """Check a resident ID as typed at the window and return its canonical 18-character form.

    Spaces and full-width characters are tolerated, lower-case ``x`` is accepted and legacy
    15-digit numbers are upgraded. The address code is deliberately not checked against the
    division list: it is the county of *first* registration and may have been retired long ago,
    and residence permits (81/82/83) and new foreigner permits (9…) share the same layout.
    The date is checked before the check character so a mistyped birth date is named as such.
    """
    number, upgraded = _canonical_id_number(raw, field_name)
    born = _id_birth_date(number, today or _bureau_today(), field_name)
    if not upgraded and resident_id_check_digit(number[:17]) != number[17]:
        raise invalid(ID_REASON, "身份证号码校验位错误，请核对号码是否录入有误", field_name)
    sex: Literal["M", "F"] = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number, born, sex, number[:6], upgraded)


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in full years (周岁) on a day: the birthday itself counts as the day a year is complete.

    Someone born on 29 February completes a year on 1 March in common years, which the tuple
    comparison gives without a special case.
    """
    if on < birth:
        raise ValueError(f"age_on: {on} is before the birth date {birth}")
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------------------------
# Administrative division codes (GB/T 2260, NBS 12-digit statistical codes)
# --------------------------------------------------------------------------------------------

DIVISION_REASON = "INVALID_DIVISION_CODE"
# Province-level codes in GB/T 2260 (including Taiwan 71, Hong Kong 81, Macao 82).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82".split()
)
# Prefecture-level cities with no county level: NBS hangs townships directly under them, so their
# 6-digit code stands where a county code would in a 12-digit code (东莞, 中山, 儋州, 嘉峪关).
_PREFECTURES_WITHOUT_COUNTIES = frozenset({"441900", "442000", "460400", "620200"})
_PROVINCE_ADMINISTERED = "90"  # prefecture part of county units administered by the province


def _prefecture_part_ok(part: str) -> bool:
    """01–70 are cities, prefectures and leagues; 90 groups province-administered counties."""
    return "01" <= part <= "70" or part == _PROVINCE_ADMINISTERED


def _check_six(code: str, field_name: str) -> None:
    """Structure of a 6-digit GB/T 2260 code: province pp0000, prefecture ppqq00 or county."""
    province, prefecture, county = code[:2], code[2:4], code[4:]
    if province not in _PROVINCES:
        raise invalid(DIVISION_REASON, f"区划代码 {code} 的省级代码 {province} 不存在", field_name)
    if prefecture == "00":
        if county != "00":
            raise invalid(DIVISION_REASON, f"区划代码 {code} 缺少地级代码却带有县级代码", field_name)
        return
    if not _prefecture_part_ok(prefecture):
        raise invalid(DIVISION_REASON, f"区划代码 {code} 的地级代码 {prefecture} 不在有效范围内", field_name)
    if prefecture == _PROVINCE_ADMINISTERED and county == "00":
        raise invalid(DIVISION_REASON, f"区划代码 {code} 为省直辖县级单位分组，须具体到县级", field_name)


def _is_county_six(code: str) -> bool:
    """A 6-digit code that may head a 12-digit township or village code."""
    return code[4:] != "00" or code in _PREFECTURES_WITHOUT_COUNTIES


def _check_twelve(code: str, field_name: str) -> None:
    """A 12-digit NBS code: a county (or county-less city) + township + village parts."""
    head, township, village = code[:6], code[6:9], code[9:]
    _check_six(head, field_name)
    if not _is_county_six(head):
        raise invalid(DIVISION_REASON, f"区划代码 {code} 的前6位 {head} 不是县级代码", field_name)
    if township == "000":
        raise invalid(DIVISION_REASON, f"区划代码 {code} 的乡级代码不能为000", field_name)


def validate_division_code(raw: str, field_name: str = "code") -> str:
    """Check a division code and return its canonical form: 6 digits, or 12 for township/village.

    A 9-digit township code is padded to 12 digits; a 12-digit code ending in six zeros (how NBS
    lists counties and higher) is shortened to its 6-digit GB/T 2260 form, so each unit has one
    canonical spelling for storage and comparison. Only the structure is checked; whether the
    unit exists is a question for the placenames division list.
    """
    code = _normalize(raw)
    if not code.isascii() or not code.isdigit():
        raise invalid(DIVISION_REASON, f"区划代码只能由数字组成：{code}", field_name)
    if len(code) == 9:
        if code[6:] == "000":
            raise invalid(DIVISION_REASON, f"9位乡级区划代码 {code} 的乡级代码不能为000", field_name)
        code += "000"
    if len(code) == 12 and code[6:] == "000000":
        code = code[:6]
    if len(code) == 6:
        _check_six(code, field_name)
    elif len(code) == 12:
        _check_twelve(code, field_name)
    else:
        raise invalid(DIVISION_REASON, f"区划代码长度应为6、9或12位，实际为{len(code)}位", field_name)
    return code


def division_level(code: str) -> DivisionLevel:
    """The level of a division from its code alone (validated and canonicalized first)."""
    canonical = validate_division_code(code)
    if len(canonical) == 12:
        return "village" if canonical[9:] != "000" else "township"
    if canonical[2:] == "0000":
        return "province"
    if canonical[4:] == "00":
        return "prefecture"
    return "county"


def parent_code(code: str) -> str | None:
    """The canonical code of the unit one level up, or ``None`` for a province.

    County units under prefecture part 90 (e.g. 429004 仙桃) belong directly to the province.
    """
    canonical = validate_division_code(code)
    level = division_level(canonical)
    if level == "village":
        return canonical[:9] + "000"
    if level == "township":
        return canonical[:6]
    if level == "county":
        if canonical[2:4] == _PROVINCE_ADMINISTERED:
            return canonical[:2] + "0000"
        return canonical[:4] + "00"
    if level == "prefecture":
        return canonical[:2] + "0000"
    return None


# --------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015)
# --------------------------------------------------------------------------------------------

USCC_REASON = "INVALID_CREDIT_CODE"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {ch: i for i, ch in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Registrar code of organizations registered nationally (MCA, SAMR): the code of the whole country.
_NATIONAL_REGISTRAR = "100000"
_USCC_KINDS = {
    "51": "social_association",
    "52": "social_service_org",
    "53": "foundation",
    "59": "other_civil_affairs",
}


def _uscc_check_char(first17: str) -> str:
    """Position 18: (31 − Σ value·3^i mod 31) mod 31, written in the code's own alphabet."""
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def _org_code_value(ch: str) -> int:
    """GB 11714 character value: digits 0–9, letters A–Z 10–35."""
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def _org_code_check_char(first8: str) -> str:
    """Check of the 9-character organization code: 11 − (S mod 11); 10 → X, 11 → 0."""
    total = sum(_org_code_value(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _check_uscc_registrar(code: str, field_name: str) -> None:
    """Positions 3–8 must be a well-formed GB/T 2260 code, or 100000 for national registration."""
    registrar = code[2:8]
    if registrar == _NATIONAL_REGISTRAR:
        return
    message = f"统一社会信用代码第3–8位 {registrar} 不是有效的登记管理机关区划代码"
    if not registrar.isdigit():
        raise invalid(USCC_REASON, message, field_name)
    try:
        _check_six(registrar, field_name)
    except DomainError:
        raise invalid(USCC_REASON, message, field_name) from None


def validate_uscc(raw: str, field_name: str = "credit_code", allow_pilot_override: bool = False) -> str:
    """Check a unified social credit code and return it upper-cased without spaces.

    ``allow_pilot_override`` lets a registrar keep an early pilot code whose check characters
    fail (legal per rules.md §0); length, alphabet and the registrar division code still apply.
    """
    code = _normalize(raw).upper()
    if len(code) != 18:
        raise invalid(USCC_REASON, f"统一社会信用代码长度应为18位，实际为{len(code)}位", field_name)
    bad = sorted({ch for ch in code if ch not in _USCC_VALUES})
    if bad:
        raise invalid(USCC_REASON, f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用I、O、Z、S、V）", field_name)
    _check_uscc_registrar(code, field_name)
    if allow_pilot_override:
        return code
    if _org_code_check_char(code[8:16]) != code[16]:
        raise invalid(USCC_REASON, "统一社会信用代码第9–17位组织机构代码的校验码（第17位）错误", field_name)
    if _uscc_check_char(code[:17]) != code[17]:
        raise invalid(USCC_REASON, "统一社会信用代码校验码（第18位）错误，请核对是否录入有误", field_name)
    return code


def uscc_kind(code: str) -> str | None:
    """Kind of civil-affairs organization from positions 1–2 (51/52/53/59), else ``None``."""
    return _USCC_KINDS.get(_normalize(code).upper()[:2])
