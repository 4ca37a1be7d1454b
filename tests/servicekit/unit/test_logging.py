"""JSON-lines logs with resident ID numbers masked in every field of every line (design.md §5, §6)."""
from __future__ import annotations

import io
import json
import logging

import grpc
import pytest

from tests.servicekit.unit.kit_rpc_fakes import Context, Details, run_chain
from servicekit.interceptors import LoggingInterceptor, RequestContextInterceptor
from servicekit.logging import get_logger
from servicekit.testing.logs import captured_logs

RID = "420102199003071234"
RID_MASKED = "4201**********1234"
RID_X = "11010519491231002X"
RID_X_MASKED = "1101**********002X"
LEGACY = "420102900307123"
LEGACY_MASKED = "4201*******7123"
RAW = (RID, RID_X, LEGACY)


@pytest.fixture
def out() -> io.StringIO:
    with captured_logs(level="DEBUG") as stream:
        yield stream


def records(stream: io.StringIO) -> list[dict]:
    """Every line must be one JSON object; returns them (without asyncio's own debug lines)."""
    text = stream.getvalue()
    assert text.endswith("\n")
    lines = [json.loads(line) for line in text.splitlines()]
    return [line for line in lines if not line["event"].startswith("Using selector")]


def assert_no_raw_ids(stream: io.StringIO) -> None:
    text = stream.getvalue()
    for raw in RAW:
        assert raw not in text


def test_id_in_the_event_is_masked(out: io.StringIO) -> None:
    get_logger("t").info(f"查询居民 {RID}")
    [line] = records(out)
    assert line["event"] == f"查询居民 {RID_MASKED}"
    assert line["level"] == "info" and line["service"] == "kit-test" and "timestamp" in line
    assert_no_raw_ids(out)


def test_ids_in_nested_fields_and_lists_are_masked(out: io.StringIO) -> None:
    get_logger("t").warning(
        "party_checked",
        party={"name": "张三", "id": {"number": RID, "legacy": LEGACY}, "age": 34},
        ids=[RID_X, ("tuple", RID), {RID}],
        raw=RID.encode(),
        as_number=int(RID),
        count=3,
    )
    [line] = records(out)
    assert line["party"] == {"name": "张三", "id": {"number": RID_MASKED, "legacy": LEGACY_MASKED}, "age": 34}
    assert line["ids"] == [RID_X_MASKED, ["tuple", RID_MASKED], [RID_MASKED]]
    assert RID_MASKED in line["raw"]
    assert line["as_number"] == RID_MASKED and line["count"] == 3
    assert_no_raw_ids(out)


def test_ids_used_as_keys_are_masked(out: io.StringIO) -> None:
    get_logger("t").info("batch_result", results={RID: "ok", RID_X: "duplicate"}, **{LEGACY: "top"})
    [line] = records(out)
    assert line["results"] == {RID_MASKED: "ok", RID_X_MASKED: "duplicate"}
    assert line[LEGACY_MASKED] == "top"
    assert_no_raw_ids(out)


def test_stdlib_record_and_exception_message_are_masked(out: io.StringIO) -> None:
    std = logging.getLogger("civic.test.stdlib")
    std.info("looking up %s", RID)
    try:
        raise ValueError(f"no resident with id {RID_X}")
    except ValueError:
        std.exception("lookup failed for %s", LEGACY)
    first, second = records(out)
    assert first["event"] == f"looking up {RID_MASKED}" and first["level"] == "info"
    assert second["event"] == f"lookup failed for {LEGACY_MASKED}" and second["level"] == "error"
    assert "ValueError: no resident with id " + RID_X_MASKED in second["exception"]
    assert first["service"] == second["service"] == "kit-test"
    assert_no_raw_ids(out)


def test_structlog_exception_is_masked(out: io.StringIO) -> None:
    try:
        raise KeyError(RID)
    except KeyError:
        get_logger("t").exception("failed")
    [line] = records(out)
    assert RID_MASKED in line["exception"]
    assert_no_raw_ids(out)


async def test_rpc_lines_carry_request_id_method_status_and_duration(out: io.StringIO) -> None:
    chain = [RequestContextInterceptor(), LoggingInterceptor()]
    details = Details("/civic.test.v1.T/Do", [("x-request-id", "rq-123")])

    async def handler() -> str:
        get_logger("svc").info("working", resident=RID)
        return "done"

    assert await run_chain(chain, details, Context(), handler) == "done"

    failing_ctx = Context()

    async def failing() -> None:
        failing_ctx.set_code(grpc.StatusCode.NOT_FOUND)
        raise RuntimeError("not there")

    with pytest.raises(RuntimeError):
        await run_chain(chain, Details("/civic.test.v1.T/Get"), failing_ctx, failing)
    get_logger("t").info("after")

    inner, summary, failed, after = records(out)
    assert inner["event"] == "working" and inner["resident"] == RID_MASKED
    assert inner["request_id"] == "rq-123" and inner["method"] == "/civic.test.v1.T/Do"
    assert summary["event"] == "rpc" and summary["status"] == "OK"
    assert summary["request_id"] == "rq-123" and summary["method"] == "/civic.test.v1.T/Do"
    assert isinstance(summary["duration_ms"], (int, float)) and summary["duration_ms"] >= 0
    assert summary["service"] == "kit-test"
    assert failed["event"] == "rpc" and failed["status"] == "NOT_FOUND" and failed["method"].endswith("/Get")
    assert failed["request_id"] and failed["request_id"] != "rq-123"  # a fresh id when none was sent
    assert "request_id" not in after and "method" not in after  # per-call fields end with the call
    assert_no_raw_ids(out)
