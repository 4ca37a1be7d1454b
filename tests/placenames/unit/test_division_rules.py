"""Division rules without I/O."""
import datetime as dt

import pytest

from placenames.domain.divisions import ChangeKind, State, new_division
from servicekit.errors import DomainError

D = dt.date
START = D(2020, 6, 30)


def chibi():
    hubei = new_division("420000", "湖北省", None, "", START, "NBS", "批复", None)
    xianning = new_division("421200", "咸宁市", hubei, "", START, "NBS", "批复", None)
    return new_division("421281", "赤壁市", xianning, "", START, "NBS", "批复", None)


def make(code="421281001000", name="蒲圻街道", effective=START, reason="批复", existing=None):
    if len(code) == 6:
        return chibi()
    return new_division(code, name, chibi(), "", effective, "NBS", reason, existing)


def test_creation_needs_reason_and_parent_in_force():
    with pytest.raises(DomainError) as err:
        make(reason=" ")
    assert err.value.reason == "REASON_REQUIRED"
    with pytest.raises(DomainError) as err:
        make(effective=D(2019, 1, 1))
    assert err.value.reason == "PARENT_NOT_ACTIVE"


def test_declared_parent_must_match_the_code():
    with pytest.raises(DomainError) as err:
        new_division("421281001000", "蒲圻街道", chibi(), "421202", D(2021, 1, 1), "", "批复", None)
    assert err.value.reason == "PARENT_MISMATCH"


def test_rename_then_name_on_each_date():
    d = make()
    d.rename("新蒲圻街道", D(2024, 1, 1), "赤政〔2023〕9号")
    assert d.name_on(D(2023, 12, 31)) == "蒲圻街道"
    assert d.name_on(D(2024, 1, 1)) == "新蒲圻街道"
    with pytest.raises(DomainError) as err:
        d.rename("再改名", D(2023, 6, 1), "x")
    assert err.value.reason == "EFFECTIVE_DATE_ORDER"


def test_abolished_division_is_retired_and_its_code_cannot_return():
    d = make()
    d.abolish(D(2024, 5, 1), "撤销批复")
    assert d.state is State.ABOLISHED and not d.in_force_on(D(2024, 5, 1)) and d.in_force_on(D(2024, 4, 30))
    with pytest.raises(DomainError) as err:
        d.rename("复活", D(2025, 1, 1), "x")
    assert err.value.reason == "DIVISION_RETIRED"
    with pytest.raises(DomainError) as err:
        make(existing=d)
    assert err.value.reason == "CODE_RETIRED"


def test_merge_only_into_an_active_division_of_the_same_level():
    a, b = make(), make(code="421281002000", name="赤马港街道")
    with pytest.raises(DomainError) as err:
        a.merge_into(make(code="421281", name="赤壁市"), D(2024, 1, 1), "批复")
    assert err.value.reason == "INVALID_SUCCESSOR"
    a.merge_into(b, D(2024, 1, 1), "批复")
    assert a.state is State.MERGED and a.history[-1].kind is ChangeKind.MERGED
    assert a.history[-1].successor_code == "421281002000"
