"""补办结婚登记 over gRPC (rules.md §1.2, 民法典 1049): a registration of an earlier cohabitation
keeps the declared start and the day its effect dates back to — the later of the start, the
parties' marriage ages and the day after a party's earlier marriage on record ended; void records
are no marriage. Kept on the record, in its audit row and event; counted in GetStatistics."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from civic.marriage.v1 import events_pb2
from civic.marriage.v1 import resources_pb2 as pb
from servicekit.testing.plugin import unique

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    TODAY,
    audit_rows,
    office_code,
    outbox_events,
    person_id,
    reason_of,
    register_request,
    stub,
    violations_of,
)

MAN_BORN = dt.date(2000, 1, 10)    # 22 on 2022-01-10
WOMAN_BORN = dt.date(2002, 6, 1)   # 20 on 2022-06-01


def md(secrets):
    return secrets.caller_metadata(*REGISTRAR)


async def test_the_effect_dates_back_to_the_day_both_were_of_age(marriage, secrets):
    office = office_code()
    request = register_request(person_id("M", MAN_BORN), person_id("F", WOMAN_BORN), office=office,
                               cohabitation_start_date="2020-05-01")
    m = await stub(marriage).RegisterMarriage(request, metadata=md(secrets))
    assert (m.cohabitation.start_date, m.cohabitation.effective_date) == ("2020-05-01", "2022-06-01")
    assert m.register_date == TODAY.isoformat()  # the certificate's date is the registration's
    got = await stub(marriage).GetMarriage(pb.GetMarriageRequest(name=m.name), metadata=md(secrets))
    assert got.cohabitation == m.cohabitation
    (audit,) = await audit_rows(marriage, m.name, "marriage.register")
    assert audit.after["cohabitation"] == {"start_date": "2020-05-01", "effective_date": "2022-06-01"}
    (event,) = [e for e in await outbox_events(marriage, "marriage_registered", events_pb2.MarriageRegistered)
                if e.marriage.name == m.name]
    assert event.marriage.cohabitation.effective_date == "2022-06-01"
    # An ordinary registration carries none, and only the 补办 one is counted as such.
    plain = await stub(marriage).RegisterMarriage(register_request(office=office), metadata=md(secrets))
    assert not plain.HasField("cohabitation")
    stats = await stub(marriage).GetStatistics(pb.GetStatisticsRequest(
        office_code=office, from_date=TODAY.isoformat(), to_date=TODAY.isoformat()), metadata=md(secrets))
    assert (stats.marriages_registered, stats.marriages_retroactive) == (2, 1)


async def test_a_partys_marriage_to_someone_else_meanwhile_moves_the_day_but_a_void_one_does_not(
        marriage, secrets, fake_clock):
    man, woman = person_id("M", MAN_BORN), person_id("F", WOMAN_BORN)
    fake_clock.set(dt.date(2023, 1, 5))
    earlier = await stub(marriage).RegisterMarriage(register_request(man), metadata=md(secrets))
    fake_clock.set(dt.date(2023, 3, 2))
    await stub(marriage).RecordCourtDivorce(pb.RecordCourtDivorceRequest(
        request_id=unique(), marriage=earlier.name, court="赤壁市人民法院", document_number="(2023)鄂1281民初7号",
        effective_date="2023-03-01"), metadata=md(secrets))
    # And a record the court declared void: never a marriage (民法典 1054).
    void = await stub(marriage).RegisterMarriage(register_request(None, woman), metadata=md(secrets))
    await stub(marriage).RecordCourtAnnulment(pb.RecordCourtAnnulmentRequest(
        request_id=unique(), marriage=void.name, kind=pb.ANNULMENT_KIND_VOID, ground=pb.ANNULMENT_GROUND_BIGAMY,
        court="赤壁市人民法院", document_number="(2023)鄂1281民初8号", judgment_date="2023-03-02"),
        metadata=md(secrets))
    fake_clock.set(TODAY)
    m = await stub(marriage).RegisterMarriage(
        register_request(man, woman, cohabitation_start_date="2020-05-01"), metadata=md(secrets))
    assert m.cohabitation.effective_date == "2023-03-02"  # the day after his divorce took effect


@pytest.mark.parametrize("start, words", [
    ((TODAY + dt.timedelta(days=1)).isoformat(), "晚于登记日期"),
    ("1999-12-31", "出生日期"),
    ("2020-13-01", ""),
])
async def test_an_impossible_start_is_refused_at_its_field(marriage, secrets, start, words):
    request = register_request(person_id("M", MAN_BORN), person_id("F", WOMAN_BORN), cohabitation_start_date=start)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub(marriage).RegisterMarriage(request, metadata=md(secrets))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations_of(err.value) == ["cohabitation_start_date"]
    if words:
        assert reason_of(err.value) == "COHABITATION_DATE_INVALID" and words in err.value.details()
