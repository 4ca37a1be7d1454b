"""Which cases only a designated registry handles (rules.md §1.1, 婚姻登记条例 Art 2)."""
import datetime as dt

import pytest
from marriage.domain.parties import IdType, foreign_case_kind, make_party, party_case_kind
from tests.marriage.unit.marriage_ids import resident_id

BORN = dt.date(1992, 4, 5)


def mainland(sex: str = "M", address: str = "421281"):
    return make_party(IdType.RESIDENT_ID, resident_id(BORN, sex, address=address), "张三", "CHN")


def document(id_type: IdType, nationality: str, sex: str = "F"):
    return make_party(id_type, "K1234567", "陈美玲", nationality, sex, BORN)


def test_a_mainland_couple_is_no_such_case():
    assert foreign_case_kind([mainland("M"), mainland("F", "110105")]) is None
    assert foreign_case_kind([]) is None


@pytest.mark.parametrize(("id_type", "nationality", "kind"), [
    (IdType.PASSPORT, "DEU", "涉外"),
    (IdType.PASSPORT, "CHN", "华侨"),  # a Chinese citizen's passport: settled abroad
    (IdType.HK_MACAO_PERMIT, "CHN", "涉港澳台"),
    (IdType.TAIWAN_PERMIT, "CHN", "涉港澳台"),
])
def test_a_party_with_a_passport_or_permit_makes_the_case(id_type, nationality, kind):
    other = document(id_type, nationality)
    assert party_case_kind(other) == kind
    assert foreign_case_kind([mainland("M"), other]) == kind


@pytest.mark.parametrize("address", ["810000", "820000", "830000"])
def test_a_residence_permit_number_of_hong_kong_macao_or_taiwan_makes_the_case(address):
    """港澳台居民居住证 carry resident-ID numbers: entered as a resident ID, still not a mainland resident."""
    permit = mainland("F", address)
    assert permit.id_type is IdType.RESIDENT_ID
    assert foreign_case_kind([mainland("M"), permit]) == "涉港澳台"


@pytest.mark.parametrize("address", ["800000", "840000", "710000", "110105", "421281", "653131"])
def test_neighbouring_address_codes_are_mainland(address):
    """Only 81, 82 and 83 are permit codes: 80 and 84 are none, 71 (台湾省 in GB/T 2260) is no
    resident-ID address, and ordinary county codes (Beijing to Xinjiang) are mainland residents'."""
    assert party_case_kind(mainland("F", address)) is None


def test_a_foreigners_permanent_residence_card_makes_a_foreign_case():
    """The 2023 外国人永久居留身份证 has the resident-ID layout and starts with 9."""
    card = mainland("F", "933840")
    assert foreign_case_kind([mainland("M"), card]) == "涉外"


def test_parties_of_several_kinds_are_all_named_in_a_fixed_order():
    couple = [document(IdType.TAIWAN_PERMIT, "CHN", "M"), document(IdType.PASSPORT, "USA")]
    assert foreign_case_kind(couple) == "涉外、涉港澳台"
    assert foreign_case_kind(reversed(couple)) == "涉外、涉港澳台"
