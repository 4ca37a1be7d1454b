import datetime as dt

import pytest
from marriage.domain.parties import IdType, make_party
from tests.marriage.unit.marriage_ids import resident_id
from servicekit.errors import DomainError, ErrorKind


def test_resident_id_gives_sex_and_birth_date():
    party = make_party(IdType.RESIDENT_ID, resident_id(dt.date(1995, 3, 8), "F").lower(), " 李  四 ", "")
    assert (party.sex, party.birth_date) == ("F", dt.date(1995, 3, 8))
    assert (party.nationality, party.name) == ("CHN", "李 四")
    assert party.key == f"RESIDENT_ID:{party.id_number}"


def test_fifteen_digit_id_is_stored_upgraded():
    party = make_party(IdType.RESIDENT_ID, "421281600315013", "王五", "CHN")
    assert party.id_number == "42128119600315013" + party.id_number[-1]
    assert (party.sex, party.birth_date) == ("M", dt.date(1960, 3, 15))


def test_entered_values_agreeing_with_the_id_are_accepted():
    born = dt.date(1995, 3, 8)
    party = make_party(IdType.RESIDENT_ID, resident_id(born, "M"), "赵六", "CHN", "M", born)
    assert party.sex == "M"


@pytest.mark.parametrize(("sex", "birth", "field"), [
    ("F", None, "sex"),
    (None, dt.date(1995, 3, 9), "birth_date"),
])
def test_entered_values_must_agree_with_the_id(sex, birth, field):
    with pytest.raises(DomainError) as caught:
        make_party(IdType.RESIDENT_ID, resident_id(dt.date(1995, 3, 8), "M"), "赵六", "CHN", sex, birth)
    assert caught.value.reason == "ID_DATA_MISMATCH"
    assert caught.value.violations[0].field == field


def test_bad_resident_id_is_refused():
    number = resident_id(dt.date(1995, 3, 8), "M")
    wrong_check = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(DomainError) as caught:
        make_party(IdType.RESIDENT_ID, wrong_check, "赵六", "CHN")
    assert caught.value.reason == "INVALID_ID_NUMBER"


def test_passport_party_keeps_entered_facts():
    party = make_party(IdType.PASSPORT, " e1234 5678 ", "John Smith", "usa", "M", dt.date(1990, 1, 2))
    assert (party.id_number, party.nationality, party.sex) == ("E12345678", "USA", "M")
    assert party.key == "PASSPORT:E12345678"


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"sex": None}, "SEX_REQUIRED"),
    ({"birth_date": None}, "BIRTH_DATE_REQUIRED"),
    ({"nationality": ""}, "NATIONALITY_REQUIRED"),
    ({"nationality": "中国"}, "INVALID_NATIONALITY"),
    ({"sex": "X"}, "INVALID_SEX"),
    ({"id_number": "H1"}, "INVALID_ID_NUMBER"),
    ({"name": "  "}, "NAME_REQUIRED"),
    ({"name": "陈" * 51}, "NAME_TOO_LONG"),
])
def test_permit_party_requires_sex_birth_date_and_nationality(kwargs, reason):
    args = {"id_type": IdType.HK_MACAO_PERMIT, "id_number": "H12345678", "name": "陈大文",
            "nationality": "CHN", "sex": "M", "birth_date": dt.date(1990, 1, 2)} | kwargs
    with pytest.raises(DomainError) as caught:
        make_party(**args)
    assert (caught.value.reason, caught.value.kind) == (reason, ErrorKind.INVALID_ARGUMENT)


def test_name_of_fifty_characters_is_accepted():
    party = make_party(IdType.TAIWAN_PERMIT, "12345678", "陈" * 50, "CHN", "F", dt.date(1990, 1, 2))
    assert len(party.name) == 50


@pytest.mark.parametrize("name", ["阿卜杜拉·艾买提", "O'BRIEN JEAN-PIERRE", "María José", "ST. JOHN", "林〇",
                                  "王\U00020BB7", "李\ue000", "Nguyễn Thị Minh Khai"])
def test_names_of_every_script_and_their_separators_are_accepted(name):
    party = make_party(IdType.PASSPORT, "E12345678", name, "USA", "F", dt.date(1990, 1, 2))
    assert party.name == name


@pytest.mark.parametrize(("name", "shown"), [
    ("郑成功\n421281198001017714", "4"),  # an ID number smuggled in on a second line
    ("张三3", "3"), ("李四\u202e", "U+202E"), ("王\u200b五", "U+200B"), ("赵六😀", "😀"), ("钱<七>", "<"),
])
def test_digits_symbols_and_invisible_characters_are_not_a_name(name, shown):
    with pytest.raises(DomainError) as caught:
        make_party(IdType.RESIDENT_ID, resident_id(dt.date(1995, 3, 8), "M"), name, "CHN")
    assert (caught.value.reason, caught.value.violations[0].field) == ("INVALID_NAME", "name")
    assert f"“{shown}”" in caught.value.message
