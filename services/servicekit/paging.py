"""Page tokens for List methods (AIP-158): opaque to clients, an offset inside."""
from __future__ import annotations

import base64
from typing import Sequence, TypeVar

from servicekit.errors import invalid

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# The largest offset a token may carry: PostgreSQL's OFFSET is a bigint, and the next page's offset
# (this one plus a page) must still be one.
MAX_OFFSET = 2**63 - 1 - MAX_PAGE_SIZE


def page_size(requested: int) -> int:
    if requested < 0:
        raise invalid("INVALID_PAGE_SIZE", "page_size 不能为负数", "page_size")
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_offset(token: str) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, value = raw.split(":", 1)
        offset = int(value)
        if kind != "o" or not 0 <= offset <= MAX_OFFSET:
            raise ValueError(raw)
        return offset
    except ValueError:
        raise invalid("INVALID_PAGE_TOKEN", "page_token 无效", "page_token") from None


def page_slice(items: Sequence[T], requested_size: int, token: str) -> tuple[Sequence[T], str]:
    """One page of an in-memory list and the token of the next page ('' on the last page)."""
    size = page_size(requested_size)
    start = decode_offset(token)
    end = start + size
    return items[start:end], encode_offset(end) if end < len(items) else ""
