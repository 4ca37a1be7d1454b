"""The division prefix a list or report covers (servicekit.jurisdiction.visible_prefix)."""
from __future__ import annotations

import pytest

from servicekit import context
from servicekit.errors import DomainError, ErrorKind
from servicekit.jurisdiction import visible_prefix

CHIBI = context.Caller(subject="clerk", roles=frozenset({"marriage_registrar"}), jurisdiction="421281")
PROVINCE = context.Caller(subject="province", scopes=frozenset({"feed.read"}), jurisdiction="", kind="client")


def test_the_request_prefix_or_the_callers_own_jurisdiction():
    with context.acting("r1", "List", CHIBI):
        assert visible_prefix("") == "421281"
        assert visible_prefix("421281101") == "421281101"
    with context.acting("r2", "List", PROVINCE):
        assert visible_prefix("") == ""
        assert [visible_prefix(p) for p in ("42", "4212", "421281", "421281101", "421281101201")] == \
            ["42", "4212", "421281", "421281101", "421281101201"]


@pytest.mark.parametrize("requested", ["abc", "4", "42128", "42128110", "4212811012", "421281 ", "４２"])
def test_what_is_no_division_prefix_is_refused_as_such_not_listed_empty(requested):
    with context.acting("r3", "List", PROVINCE), pytest.raises(DomainError) as caught:
        visible_prefix(requested, "婚姻登记机关")
    assert (caught.value.reason, caught.value.kind) == ("INVALID_OFFICE_CODE", ErrorKind.INVALID_ARGUMENT)
    assert [v.field for v in caught.value.violations] == ["office_code"]


def test_a_prefix_outside_the_jurisdiction_is_refused():
    with context.acting("r4", "List", CHIBI), pytest.raises(DomainError) as caught:
        visible_prefix("421202")
    assert caught.value.reason == "OUT_OF_JURISDICTION"
