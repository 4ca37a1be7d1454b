"""Whether two parties may marry on a given day (民法典 1046–1049, 1051; rules.md §1.2)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from servicekit.errors import invalid, precondition
from servicekit.identifiers import age_on

from marriage.domain.parties import Party, Sex

# Marriage ages in force over time: (from, man, woman). Before the 1950 Marriage Law there is no
# statutory age to check archive rows against.
LEGAL_AGES: tuple[tuple[dt.date, int, int], ...] = (
    (dt.date(1981, 1, 1), 22, 20),  # 1980 Marriage Law, kept by the Civil Code (Art 1047)
    (dt.date(1950, 5, 1), 20, 18),  # 1950 Marriage Law
)
_SEX_ZH = {"M": "男方", "F": "女方"}


@dataclass(frozen=True)
class Declarations:
    """The declarations both parties sign before the registrar (rules.md §1.3)."""

    no_spouse: bool
    no_prohibited_kinship: bool


def legal_age_at(on: dt.date, sex: Sex) -> int | None:
    """Minimum marriage age in full years for ``sex`` on a day, or ``None`` before 1950-05-01."""
    for since, man, woman in LEGAL_AGES:
        if on >= since:
            return man if sex == "M" else woman
    return None


def _check_declarations(declarations: Declarations) -> None:
    if not declarations.no_spouse:
        raise invalid("DECLARATION_MISSING", "缺少双方无配偶的声明", "declarations.no_spouse")
    if not declarations.no_prohibited_kinship:
        raise invalid("DECLARATION_MISSING", "缺少双方无禁止结婚的亲属关系的声明",
                      "declarations.no_prohibited_kinship")


def _check_age(index: int, party: Party, register_date: dt.date) -> None:
    minimum = legal_age_at(register_date, party.sex)
    if minimum is None:
        return
    if party.birth_date <= register_date and age_on(party.birth_date, register_date) >= minimum:
        return
    raise precondition(
        "UNDER_LEGAL_AGE",
        f"{_SEX_ZH[party.sex]}（{party.name}）在登记日未满{minimum}周岁，不符合法定婚龄",
        party=str(index), sex=party.sex, minimum_age=str(minimum),
    )


def check_marriage(parties: Sequence[Party], declarations: Declarations, register_date: dt.date,
                   currently_married: Collection[str] | Mapping[str, str]) -> None:
    """Raise the first reason the registry must refuse, in a fixed order; return when eligible.

    ``currently_married`` holds the keys (``Party.key``) of parties the registry shows as married;
    as a mapping, each with the words that name the record (said after the refusal).
    """
    if len(parties) != 2:
        raise invalid("TWO_PARTIES_REQUIRED", "结婚登记须有男女双方两名当事人", "parties")
    _check_declarations(declarations)
    if parties[0].key == parties[1].key:
        raise invalid("SAME_PERSON", "双方当事人的证件为同一人", "parties")
    if {party.sex for party in parties} != {"M", "F"}:
        raise invalid("PARTIES_NOT_MALE_AND_FEMALE", "结婚登记须为一男一女", "parties")
    for index, party in enumerate(parties):
        _check_age(index, party, register_date)
    for index, party in enumerate(parties):
        if party.key in currently_married:
            record = currently_married.get(party.key, "") if isinstance(currently_married, Mapping) else ""
            raise precondition("PARTY_ALREADY_MARRIED",
                               f"{_SEX_ZH[party.sex]}（{party.name}）在婚姻登记信息库中登记为有配偶{record}",
                               party=str(index))
