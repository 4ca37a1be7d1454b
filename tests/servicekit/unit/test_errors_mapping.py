"""Typed domain errors → gRPC status + google.rpc.ErrorInfo / BadRequest (design.md §3)."""
from __future__ import annotations

import asyncpg
import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2
from sqlalchemy import exc as sa_exc

from tests.servicekit.unit.kit_rpc_fakes import Context, Details, rich_status, run_chain
from servicekit import errors
from servicekit.errors import DomainError, ErrorKind, Violation
from servicekit.interceptors import ErrorInterceptor, to_status

DOMAIN = "civic.placenames"


def unpack(status) -> tuple[error_details_pb2.ErrorInfo | None, error_details_pb2.BadRequest | None]:
    info = bad = None
    for detail in rich_status(status).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
    return info, bad


def wrapped(driver_error: Exception, statement: str = "SELECT 1",
            kind: type[sa_exc.DBAPIError] = sa_exc.OperationalError) -> sa_exc.DBAPIError:
    """The driver's error as SQLAlchemy raises it (wrapped, with the driver's error as its cause)."""
    error = kind(statement, None, driver_error)
    error.__cause__ = driver_error
    return error


async def aborted_with(error: BaseException, service: str = "placenames"):
    """The status ErrorInterceptor aborts a call with when its handler raises ``error``."""
    ctx = Context()

    async def handler() -> None:
        raise error

    with pytest.raises(grpc.aio.AbortError):
        await run_chain([ErrorInterceptor(service)], Details("/x/Y"), ctx, handler)
    return ctx.aborted


@pytest.mark.parametrize("kind", list(ErrorKind))
def test_every_kind_maps_to_the_status_code_of_the_same_name(kind: ErrorKind) -> None:
    status = to_status(DomainError("SOME_REASON", "出错了", kind), DOMAIN)
    assert status.code == getattr(grpc.StatusCode, kind.value)
    assert rich_status(status).code == getattr(code_pb2, kind.value)
    assert status.details == "出错了"


@pytest.mark.parametrize(("factory", "code"), [
    (errors.not_found, grpc.StatusCode.NOT_FOUND),
    (errors.already_exists, grpc.StatusCode.ALREADY_EXISTS),
    (errors.precondition, grpc.StatusCode.FAILED_PRECONDITION),
    (errors.permission_denied, grpc.StatusCode.PERMISSION_DENIED),
    (errors.exhausted, grpc.StatusCode.RESOURCE_EXHAUSTED),
])
def test_helpers_give_reason_domain_and_metadata(factory, code: grpc.StatusCode) -> None:
    status = to_status(factory("DIVISION_NOT_FOUND", "区划 421281 不存在", code="421281"), DOMAIN)
    info, bad = unpack(status)
    assert status.code == code
    assert info is not None and info.reason == "DIVISION_NOT_FOUND" and info.domain == DOMAIN
    assert dict(info.metadata) == {"code": "421281"}
    assert bad is None  # no field violations, no BadRequest


def test_unauthenticated_helper() -> None:
    status = to_status(errors.unauthenticated("CALLER_TOKEN_MISSING", "缺少调用方凭证"), DOMAIN)
    info, _ = unpack(status)
    assert status.code == grpc.StatusCode.UNAUTHENTICATED and info.reason == "CALLER_TOKEN_MISSING"


def test_invalid_with_field_carries_a_field_violation() -> None:
    status = to_status(errors.invalid("INVALID_DIVISION_CODE", "区划代码应为6位或12位数字", "parent_code"), DOMAIN)
    info, bad = unpack(status)
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT
    assert info.reason == "INVALID_DIVISION_CODE" and info.domain == DOMAIN
    assert bad is not None
    assert [(v.field, v.description) for v in bad.field_violations] == [("parent_code", "区划代码应为6位或12位数字")]


def test_invalid_without_field_has_no_bad_request() -> None:
    status = to_status(errors.invalid("BAD", "不对"), DOMAIN)
    _, bad = unpack(status)
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT and bad is None


def test_several_violations_keep_their_order() -> None:
    err = DomainError("PARTIES_INVALID", "当事人信息有误", ErrorKind.INVALID_ARGUMENT,
                      [Violation("party_a.id_number", "校验码错误"), Violation("party_b.birth_date", "未满法定婚龄")])
    _, bad = unpack(to_status(err, "civic.marriage"))
    assert [v.field for v in bad.field_violations] == ["party_a.id_number", "party_b.birth_date"]
    assert bad.field_violations[1].description == "未满法定婚龄"


async def test_interceptor_aborts_with_the_mapped_status() -> None:
    aborted = await aborted_with(errors.not_found("DIVISION_NOT_FOUND", "区划不存在", code="429999"))
    info, _ = unpack(aborted)
    assert aborted.code == grpc.StatusCode.NOT_FOUND
    assert info.reason == "DIVISION_NOT_FOUND" and info.domain == "civic.placenames"


async def test_interceptor_hides_unexpected_errors_behind_internal() -> None:
    aborted = await aborted_with(RuntimeError("password=hunter2 at db 10.0.0.5"))
    assert aborted.code == grpc.StatusCode.INTERNAL
    assert "hunter2" not in aborted.details and "10.0.0.5" not in aborted.details
    assert rich_status(aborted).code == code_pb2.INTERNAL


async def test_interceptor_passes_results_and_aborts_through() -> None:
    async def ok() -> str:
        return "result"

    assert await run_chain([ErrorInterceptor("placenames")], Details("/x/Y"), Context(), ok) == "result"

    ctx = Context()

    async def aborted() -> None:
        raise grpc.aio.AbortError()

    with pytest.raises(grpc.aio.AbortError):
        await run_chain([ErrorInterceptor("placenames")], Details("/x/Y"), ctx, aborted)
    assert ctx.aborted is None  # not re-mapped to INTERNAL


@pytest.mark.parametrize("lost", [
    asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    ConnectionRefusedError(111, "Connection refused"),
    sa_exc.DBAPIError("SELECT 1", None, Exception("closed"), connection_invalidated=True),
    sa_exc.TimeoutError("QueuePool limit of size 20 overflow 0 reached"),
])
async def test_a_database_out_of_reach_is_unavailable_not_internal(lost: Exception) -> None:
    """PostgreSQL restarting or failing over: 503 and 'retry', not 500 'internal error'."""
    aborted = await aborted_with(wrapped(lost), "marriage")
    info, _ = unpack(aborted)
    assert aborted.code == grpc.StatusCode.UNAVAILABLE
    assert info.reason == "DEPENDENCY_UNAVAILABLE" and info.domain == "civic.marriage"


async def test_other_database_errors_stay_internal() -> None:
    aborted = await aborted_with(asyncpg.exceptions.UndefinedColumnError('column "x" does not exist'), "marriage")
    assert aborted.code == grpc.StatusCode.INTERNAL


@pytest.mark.parametrize("refused", [
    asyncpg.exceptions.CharacterNotInRepertoireError('invalid byte sequence for encoding "UTF8": 0x00'),
    asyncpg.exceptions.UntranslatableCharacterError("unsupported Unicode escape sequence"),
])
async def test_text_postgresql_cannot_store_is_invalid_argument_not_internal(refused: Exception) -> None:
    """A NUL character in a name, a reason or an import's file name: the caller's input, 400."""
    aborted = await aborted_with(wrapped(refused, "INSERT …", sa_exc.DBAPIError), "marriage")
    info, _ = unpack(aborted)
    assert aborted.code == grpc.StatusCode.INVALID_ARGUMENT
    assert info.reason == "UNSTORABLE_CHARACTER"
