"""Page tokens for List methods (AIP-158)."""
from __future__ import annotations

import base64

import pytest

from servicekit.errors import DomainError, ErrorKind
from servicekit.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_offset, encode_offset, page_size, page_slice


def test_page_size_defaults_and_caps() -> None:
    assert page_size(0) == DEFAULT_PAGE_SIZE == 50
    assert page_size(1) == 1
    assert page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE
    assert page_size(MAX_PAGE_SIZE + 1) == MAX_PAGE_SIZE
    assert page_size(10**9) == MAX_PAGE_SIZE


def test_negative_page_size_is_invalid() -> None:
    with pytest.raises(DomainError) as err:
        page_size(-1)
    assert err.value.kind is ErrorKind.INVALID_ARGUMENT and err.value.reason == "INVALID_PAGE_SIZE"
    assert [v.field for v in err.value.violations] == ["page_size"]


@pytest.mark.parametrize("offset", [0, 1, 49, 50, 999, 123456789])
def test_token_round_trip_and_is_url_safe(offset: int) -> None:
    token = encode_offset(offset)
    assert decode_offset(token) == offset
    assert "=" not in token and "+" not in token and "/" not in token
    assert str(offset) not in token  # opaque: not the bare number


def test_empty_token_is_the_first_page() -> None:
    assert decode_offset("") == 0


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("token", [
    "!!!", "abc", b64(b"o:-1"), b64(b"x:5"), b64(b"o:"), b64(b"o:1.5"), b64(b"5"), b64(b"\xff\xfe"),
    b64(b"o:five"),
    # Past what PostgreSQL's OFFSET (bigint) takes: an invalid token, not an internal error.
    b64(b"o:99999999999999999999"), b64(f"o:{2**63}".encode()),
])
def test_bad_tokens_are_invalid_arguments(token: str) -> None:
    with pytest.raises(DomainError) as err:
        decode_offset(token)
    assert err.value.kind is ErrorKind.INVALID_ARGUMENT and err.value.reason == "INVALID_PAGE_TOKEN"
    assert [v.field for v in err.value.violations] == ["page_token"]


def test_page_slice_walks_every_item_once() -> None:
    items = list(range(123))
    seen, token, pages = [], "", 0
    while True:
        page, token = page_slice(items, 40, token)
        seen += page
        pages += 1
        if not token:
            break
    assert seen == items and pages == 4


def test_last_full_page_has_no_next_token() -> None:
    page, token = page_slice(list(range(80)), 40, encode_offset(40))
    assert list(page) == list(range(40, 80)) and token == ""


def test_token_past_the_end_gives_an_empty_last_page() -> None:
    page, token = page_slice([1, 2, 3], 10, encode_offset(50))
    assert list(page) == [] and token == ""


def test_default_page_size_applies_to_slices() -> None:
    page, token = page_slice(list(range(60)), 0, "")
    assert len(page) == DEFAULT_PAGE_SIZE and decode_offset(token) == DEFAULT_PAGE_SIZE
