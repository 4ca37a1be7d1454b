"""Paging the List methods over gRPC: a page token marks the last row shown (keyset paging), so rows
written between two pages shift nothing — the province's exchange platform, paging through a list
the windows are writing to, gets every earlier row once. Tokens are checked where they come in."""
import base64
import json

import grpc
import pytest
from civic.api.v1 import audit_pb2
from civic.marriage.v1 import resources_pb2 as pb

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    office_code,
    pages,
    reason_of,
    register_request,
    stub,
    violations_of,
)


async def register(marriage, md, office: str) -> str:
    return (await stub(marriage).RegisterMarriage(register_request(office=office), metadata=md)).name


async def test_records_registered_between_pages_shift_nothing(marriage, secrets):
    office = office_code()
    md = secrets.caller_metadata(*REGISTRAR)
    earlier = [await register(marriage, md, office) for _ in range(7)]
    seen, later = [], []
    async for page in pages(stub(marriage).ListMarriages, pb.ListMarriagesRequest(office_code=office, page_size=3),
                            md):
        seen += [m.name for m in page.marriages]
        if page.next_page_token:  # newest first: a record registered now sorts before the pages read
            later.append(await register(marriage, md, office))
    assert seen == earlier[::-1]
    fresh = await stub(marriage).ListMarriages(pb.ListMarriagesRequest(office_code=office), metadata=md)
    assert [m.name for m in fresh.marriages] == later[::-1] + earlier[::-1]


async def first_token(marriage, md, office: str) -> str:
    page = await stub(marriage).ListMarriages(pb.ListMarriagesRequest(office_code=office, page_size=1), metadata=md)
    assert page.next_page_token
    return page.next_page_token


def forged(token: str, change) -> str:
    """The token with its JSON payload changed by ``change`` — what a curious client might send."""
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    change(payload)
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def set_key(value):
    def change(payload):
        payload[-1][0] = value
    return change


async def refused(marriage, md, request: pb.ListMarriagesRequest) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).ListMarriages(request, metadata=md)
    return err.value


async def test_bad_tokens_are_invalid_page_tokens(marriage, secrets):
    office = office_code()
    md = secrets.caller_metadata(*REGISTRAR)
    for _ in range(2):
        await register(marriage, md, office)
    token = await first_token(marriage, md, office)
    audit = await stub(marriage).ListAuditRecords(audit_pb2.ListAuditRecordsRequest(page_size=1),
                                                  metadata=secrets.caller_metadata("supervisor"))
    bad = ["not-a-token", "!!!", "x" * 5000, token[:-3], token + "AAAA", audit.next_page_token,
           forged(token, set_key("not a date")), forged(token, set_key(20240101)), forged(token, set_key(None)),
           forged(token, set_key("10000-01-01")), forged(token, lambda p: p[-1].append("extra")),
           forged(token, lambda p: p.__setitem__(0, 99))]
    for page_token in bad:
        err = await refused(marriage, md, pb.ListMarriagesRequest(office_code=office, page_token=page_token))
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, page_token
        assert reason_of(err) == "INVALID_PAGE_TOKEN" and violations_of(err) == ["page_token"]


async def test_a_token_is_refused_with_other_filters_and_kept_with_another_page_size(marriage, secrets):
    office = office_code()
    md = secrets.caller_metadata(*REGISTRAR)
    names = [await register(marriage, md, office) for _ in range(3)]
    token = await first_token(marriage, md, office)
    err = await refused(marriage, md, pb.ListMarriagesRequest(
        office_code=office, state=pb.MARRIAGE_STATE_REGISTERED, page_token=token))
    assert reason_of(err) == "INVALID_PAGE_TOKEN" and "查询条件" in err.details()
    rest = await stub(marriage).ListMarriages(
        pb.ListMarriagesRequest(office_code=office, page_size=10, page_token=token), metadata=md)
    assert [m.name for m in rest.marriages] == names[1::-1] and rest.next_page_token == ""
