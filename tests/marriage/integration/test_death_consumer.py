"""funeral's death_recorded over real JetStream: the deceased's marriage ends once, however often
the death arrives."""
import asyncio
import uuid

from civic.funeral.v1 import events_pb2 as funeral_events
from civic.marriage.v1 import resources_pb2 as pb
from marriage.consumers.death_recorded import DURABLE, SUBJECT
from servicekit.events import H_MSG_ID, H_TYPE, STREAM, Event

from tests.marriage.integration.marriage_support import (
    REGISTRAR,
    audit_rows,
    marriage_ended_events,
    person_id,
    register_request,
    rows,
    stub,
)


def death_of(number: str) -> funeral_events.DeathRecorded:
    return funeral_events.DeathRecorded(
        event_id=str(uuid.uuid4()), id_type="RESIDENT_ID", id_number=number, name="张伟", death_date="2024-03-01",
        certificate_number="鄂D2024-000321", office_code="421281")


def event(message: funeral_events.DeathRecorded, event_id: str) -> Event:
    return Event(id=event_id, subject=SUBJECT, type=message.DESCRIPTOR.full_name,
                 payload=message.SerializeToString(), headers={H_MSG_ID: event_id})


async def married_man(service, secrets) -> tuple[str, str, str]:
    man, woman = person_id("M"), person_id("F")
    m = await stub(service).RegisterMarriage(register_request(man=man, woman=woman),
                                             metadata=secrets.caller_metadata(*REGISTRAR))
    return m.name, man, woman


async def ended_once(service, secrets, name: str, woman: str) -> None:
    md = secrets.caller_metadata(*REGISTRAR)
    got = await stub(service).GetMarriage(pb.GetMarriageRequest(name=name), metadata=md)
    assert got.state == pb.MARRIAGE_STATE_ENDED_BY_DEATH and got.end_date == "2024-03-01"
    assert got.end_reason == pb.END_REASON_DEATH and got.end_reference == "鄂D2024-000321"
    assert len(await marriage_ended_events(service, name)) == 1
    (audit,) = await audit_rows(service, name, "marriage.end_by_death")
    assert audit.actor == "system"
    status = await stub(service).GetMaritalStatus(pb.GetMaritalStatusRequest(id_number=woman), metadata=md)
    assert status.status == pb.MARITAL_STATUS_WIDOWED
    # The widow may marry again.
    again = await stub(service).RegisterMarriage(register_request(woman=woman), metadata=md)
    assert again.state == pb.MARRIAGE_STATE_REGISTERED


async def test_the_same_event_applied_twice_has_one_effect(marriage, secrets):
    name, man, woman = await married_man(marriage, secrets)
    (consumer,) = [c for c in marriage.runtime.consumers if c.spec.durable == DURABLE]
    death = event(death_of(man), str(uuid.uuid4()))
    assert await consumer.apply(death) is True
    assert await consumer.apply(death) is False  # the kit's processed_events
    await ended_once(marriage, secrets, name, woman)


async def test_the_same_death_published_under_two_event_ids_ends_the_marriage_once(marriage, secrets):
    name, man, woman = await married_man(marriage, secrets)
    message = death_of(man)
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    for event_id in ids:  # two different Nats-Msg-Ids: JetStream keeps both, the use case sees one death
        await marriage.infra.js.publish(SUBJECT, message.SerializeToString(), stream=STREAM,
                                        headers={H_MSG_ID: event_id, H_TYPE: message.DESCRIPTOR.full_name})
    for _ in range(100):
        done = await rows(marriage, "SELECT event_id FROM processed_events WHERE consumer = :c "
                                    "AND event_id = ANY(:ids)", c=DURABLE, ids=ids)
        if len(done) == 2:
            break
        await asyncio.sleep(0.1)
    assert len(done) == 2
    await ended_once(marriage, secrets, name, woman)
    dead = await rows(marriage, "SELECT event_id FROM dead_letters WHERE consumer = :c AND event_id = ANY(:ids)",
                      c=DURABLE, ids=ids)
    assert dead == []
