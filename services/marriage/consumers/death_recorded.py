"""`marriage--death-recorded`: funeral's `death_recorded` ends the deceased's current marriage.

The kit records the event id in the same transaction as the effect, so a redelivery does nothing;
the use case itself also does nothing for a death it has already recorded, so the same death
published twice under different event ids still ends the marriage once.
"""
from __future__ import annotations

import datetime as dt

from civic.funeral.v1 import events_pb2 as funeral_events
from servicekit.consumer import ConsumerSpec
from servicekit.events import Event
from servicekit.logging import get_logger
from servicekit.server import Infrastructure
from servicekit.uow import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncSession

from marriage.adapters.tables import kit
from marriage.app.marriages import DeathNotice, record_death
from marriage.domain.parties import IdType

log = get_logger(__name__)
DURABLE = "marriage--death-recorded"
SUBJECT = "civic.funeral.death_recorded"


def death_notice(event: funeral_events.DeathRecorded) -> DeathNotice:
    id_type = IdType(event.id_type) if event.id_type in IdType.__members__ else IdType.RESIDENT_ID
    return DeathNotice(id_type, event.id_number, dt.date.fromisoformat(event.death_date), event.certificate_number)


def death_recorded_consumer(infra: Infrastructure) -> ConsumerSpec:
    async def handle(session: AsyncSession, event: Event) -> None:
        notice = death_notice(funeral_events.DeathRecorded.FromString(event.payload))
        uow = UnitOfWork(session, kit, "marriage", infra.clock)
        ended = await record_death(uow, infra.cipher, notice)
        # The kit's consumer owns the transaction; the unit of work only adds its audit and outbox rows.
        await uow.flush()
        log.info("death_recorded_applied", event_id=event.id, marriage=f"marriages/{ended.id}" if ended else "")

    return ConsumerSpec(durable=DURABLE, filter_subject=SUBJECT, handler=handle)
