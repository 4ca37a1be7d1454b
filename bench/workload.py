"""The registry window's transactions, each over three transports that do the same work:

- `GatewayTransport`: HTTP/JSON through the gateway, bearer token of the office's registrar,
  `Idempotency-Key` on every write (bench.http1: lean HTTP/1.1 keep-alive, one connection per caller);
- `GrpcTransport`: the same RPCs straight on the marriage service (one grpc.aio channel, a caller
  token signed with the gateway's key, `request_id` on every write);
- `SqlTransport`: the floor — the statements the service issues for the same transaction, written
  by hand against the marriage schema with asyncpg (prepared statements, one transaction each), with
  the service's Python-side work kept: ID check, HMAC look-up hash, AES-GCM encryption of both ID
  numbers, masking, the audit row's JSON and the event's protobuf, the idempotency record.

Transactions: book an appointment, register a marriage, marital-status look-up, list an office's
marriages (first page), search an office's marriages by a party's name, apply for divorce.
"""
from __future__ import annotations

import asyncio
import collections
import datetime as dt
import json
import random
import time
import uuid
from dataclasses import dataclass, field

import asyncpg
import grpc

from civic.marriage.v1 import events_pb2, marriage_service_pb2_grpc
from civic.marriage.v1 import resources_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp
from servicekit.clock import SystemClock
from servicekit.events import H_ACTOR, H_MSG_ID, H_REQUEST_ID, H_TIME, H_TYPE
from servicekit.identifiers import parse_resident_id
from servicekit.pii import PiiCipher, mask_id, mask_name
from servicekit.uuid7 import uuid7

from bench.harness import Result
from bench.http1 import Http1Client, Response
from bench.suite import CallerMetadata, People, Suite, chinese_name

CLOCK = SystemClock()
AGREEMENT = {"voluntary": True, "childrenArrangement": "无子女", "propertyDivision": "各自所有",
             "debtHandling": "无共同债务"}
ACCEPTANCE = {"declarations": {"fullCivilCapacity": True},
              "certificatesPresented": "CERTIFICATES_PRESENTED_BOTH"}
PHONE = "13800138000"


class TransactionFailed(Exception):
    pass


@dataclass
class Registered:
    marriage: str  # marriages/{id}
    office: str
    man: str
    woman: str


@dataclass
class Shared:
    """What the transactions of one run hand each other: registered marriages (for divorce
    applications and look-ups) and the names used (for searches)."""

    people: People
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    registered: collections.deque = field(default_factory=lambda: collections.deque(maxlen=200_000))
    divorce_queue: collections.deque = field(default_factory=collections.deque)
    names: list[str] = field(default_factory=list)

    def name(self) -> str:
        value = chinese_name(self.rng)
        if len(self.names) < 5_000:
            self.names.append(value)
        return value

    def add(self, r: Registered) -> None:
        self.registered.append(r)
        self.divorce_queue.append(r)


# --- the three transports --------------------------------------------------------------------------

class GrpcTransport:
    name = "gRPC"

    def __init__(self, suite: Suite, jurisdiction: str = "42", address: str | None = None) -> None:
        self.channel = grpc.aio.insecure_channel(address or suite.backend("marriage"))
        self.stub = marriage_service_pb2_grpc.MarriageServiceStub(self.channel)
        self.md = CallerMetadata(suite, jurisdiction)

    async def close(self) -> None:
        await self.channel.close()

    async def register(self, office: str, man: str, woman: str, man_name: str, woman_name: str) -> str:
        reply = await self.stub.RegisterMarriage(pb.RegisterMarriageRequest(
            request_id=f"b-{uuid.uuid4().hex}", office_code=office,
            parties=[pb.Party(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=man, name=man_name, nationality="CHN"),
                     pb.Party(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=woman, name=woman_name, nationality="CHN")],
            declarations=pb.Declarations(no_spouse=True, no_prohibited_kinship=True)),
            metadata=self.md(), timeout=30)
        return reply.name

    async def status(self, id_number: str) -> int:
        reply = await self.stub.GetMaritalStatus(pb.GetMaritalStatusRequest(
            id_type=pb.ID_TYPE_RESIDENT_ID, id_number=id_number), metadata=self.md(), timeout=30)
        return len(reply.records)

    async def list(self, office: str, party_name: str = "", page_size: int = 20) -> int:
        reply = await self.stub.ListMarriages(pb.ListMarriagesRequest(
            office_code=office, party_name=party_name, page_size=page_size), metadata=self.md(), timeout=30)
        return len(reply.marriages)

    async def book(self, office: str, day: dt.date, contact: str) -> None:
        await self.stub.CreateAppointment(pb.CreateAppointmentRequest(
            request_id=f"b-{uuid.uuid4().hex}", appointment=pb.Appointment(
                office_code=office, date=day.isoformat(), kind=pb.APPOINTMENT_KIND_MARRIAGE, contact_name=contact,
                contact_phone=PHONE)), metadata=self.md(), timeout=30)

    async def divorce(self, marriage: str, office: str) -> None:
        await self.stub.ApplyDivorce(pb.ApplyDivorceRequest(
            request_id=f"b-{uuid.uuid4().hex}", marriage=marriage, office_code=office,
            agreement=pb.DivorceAgreement(voluntary=True, children_arrangement="无子女",
                                          property_division="各自所有", debt_handling="无共同债务"),
            declarations=pb.DivorceDeclarations(full_civil_capacity=True),
            certificates_presented=pb.CERTIFICATES_PRESENTED_BOTH),
            metadata=self.md(), timeout=30)


class GatewayTransport:
    name = "gateway"

    def __init__(self, suite: Suite, tokens: dict[str, str], concurrency: int, url: str | None = None) -> None:
        self.http = Http1Client(url or suite.url, connections=concurrency)
        self.auth = {office: {"Authorization": f"Bearer {token}"} for office, token in tokens.items()}

    async def close(self) -> None:
        await self.http.aclose()

    @staticmethod
    def _ok(resp: Response) -> dict:
        if resp.status != 200:
            raise TransactionFailed(f"{resp.status_code} {resp.text[:200]}")
        return resp.json()

    def _write_headers(self, office: str) -> dict:
        return {**self.auth[office], "Idempotency-Key": f"b-{uuid.uuid4().hex}"}

    async def register(self, office: str, man: str, woman: str, man_name: str, woman_name: str) -> str:
        body = {"officeCode": office, "parties": [
            {"idType": "ID_TYPE_RESIDENT_ID", "idNumber": man, "name": man_name, "nationality": "CHN"},
            {"idType": "ID_TYPE_RESIDENT_ID", "idNumber": woman, "name": woman_name, "nationality": "CHN"}],
            "declarations": {"noSpouse": True, "noProhibitedKinship": True}}
        return self._ok(await self.http.post("/v1/marriages:register", body,
                                             headers=self._write_headers(office)))["name"]

    async def status(self, id_number: str, office: str) -> int:
        reply = self._ok(await self.http.post("/v1/maritalStatus:lookup",
                                              {"idType": "ID_TYPE_RESIDENT_ID", "idNumber": id_number},
                                              headers=self.auth[office]))
        return len(reply.get("records", []))

    async def list(self, office: str, party_name: str = "", page_size: int = 20) -> int:
        params = {"officeCode": office, "pageSize": page_size}
        if party_name:
            params["partyName"] = party_name
        return len(self._ok(await self.http.get("/v1/marriages", params=params,
                                                headers=self.auth[office])).get("marriages", []))

    async def book(self, office: str, day: dt.date, contact: str) -> None:
        self._ok(await self.http.post("/v1/appointments", {
            "appointment": {"officeCode": office, "date": day.isoformat(), "kind": "APPOINTMENT_KIND_MARRIAGE",
                            "contactName": contact, "contactPhone": PHONE}}, headers=self._write_headers(office)))

    async def divorce(self, marriage: str, office: str) -> None:
        self._ok(await self.http.post("/v1/divorceApplications", {
            "marriage": marriage, "officeCode": office, "agreement": AGREEMENT, **ACCEPTANCE},
            headers=self._write_headers(office)))


def _ts(when: dt.datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(when)
    return ts


class SqlTransport:
    """The floor: the service's statements for each transaction, by hand, on asyncpg."""

    name = "PostgreSQL (asyncpg)"
    ACTOR = "bench-sql"

    def __init__(self, suite: Suite, pool_size: int = 20) -> None:
        self.url = suite.database_url
        self.pool_size = pool_size
        s = suite.secrets
        self.cipher = PiiCipher.from_base64(s.pii_key, s.pii_hash_key)
        self.pool: asyncpg.Pool | None = None
        from marriage.domain.calendar import bundled_calendar

        self.calendar = bundled_calendar()

    async def open(self) -> SqlTransport:
        self.pool = await asyncpg.create_pool(self.url, min_size=self.pool_size, max_size=self.pool_size,
                                              server_settings={"search_path": "marriage,public",
                                                               "application_name": "bench-sql"})
        return self

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    # --- the kit's part of every write: idempotency, audit row, outbox event, NOTIFY ----------------

    @staticmethod
    async def _idempotency_check(conn: asyncpg.Connection, request_id: str) -> None:
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", request_id)
        if await conn.fetchrow("SELECT method, response FROM idempotency WHERE request_id = $1", request_id):
            raise TransactionFailed("request_id reused")

    async def _finish(self, conn: asyncpg.Connection, request_id: str, method: str, response: bytes,
                      action: str, resource: str, after: dict, event: str, message) -> None:
        now = CLOCK.now()
        event_id = str(uuid7())
        message.event_id = event_id
        type_name = message.DESCRIPTOR.full_name
        headers = {H_MSG_ID: event_id, H_TYPE: type_name, H_REQUEST_ID: request_id, H_ACTOR: self.ACTOR,
                   H_TIME: now.isoformat()}
        # One statement, as the service's unit of work writes them: audit row (under the record's
        # office), outbox row, the idempotency record, and the NOTIFY that wakes the relay at commit.
        await conn.execute(
            "WITH a AS (INSERT INTO audit_log (id, at, actor, request_id, action, resource, reason, before, after, "
            "office_code) VALUES ($1, $2, $3, $4, $5, $6, '', NULL, $7::jsonb, $15)), "
            "o AS (INSERT INTO outbox (id, subject, event_type, payload, headers) VALUES ($8, $9, $10, $11, $12::jsonb)), "
            "i AS (INSERT INTO idempotency (request_id, method, response) VALUES ($4, $13, $14)) "
            "SELECT pg_notify('marriage_outbox', '')",
            uuid.UUID(str(uuid7())), now, self.ACTOR, request_id, action, resource, json.dumps(after),
            uuid.UUID(event_id), f"civic.marriage.{event}", type_name, message.SerializeToString(deterministic=True),
            json.dumps(headers), method, response, after["office_code"])

    async def _serial(self, conn: asyncpg.Connection, kind: str, office: str, year: int) -> int:
        return await conn.fetchval(
            "INSERT INTO certificate_serials (kind, office_code, year, last_serial) VALUES ($1, $2, $3, 1) "
            "ON CONFLICT (kind, office_code, year) DO UPDATE SET last_serial = certificate_serials.last_serial + 1 "
            "RETURNING last_serial", kind, office, year)

    def _marriage_pb(self, row, parties: list) -> pb.Marriage:
        return pb.Marriage(
            name=f"marriages/{row['id']}", certificate_number=row["certificate_number"],
            state=pb.MarriageState.Value(f"MARRIAGE_STATE_{row['state']}"),
            register_date=row["register_date"].isoformat(), office_code=row["office_code"],
            parties=[pb.Party(id_type=pb.ID_TYPE_RESIDENT_ID, id_number=p["id_masked"], name=p["name"],
                              nationality=p["nationality"], sex=pb.SEX_MALE if p["sex"] == "M" else pb.SEX_FEMALE,
                              birth_date=p["birth_date"].isoformat() if p["birth_date"] else "") for p in parties],
            historical=row["historical"], reissue_count=row["reissue_count"],
            create_time=_ts(row["created_at"]), update_time=_ts(row["updated_at"]))

    def _new_couple(self, man: str, woman: str, man_name: str, woman_name: str) -> tuple[str, list, list, uuid.UUID]:
        """A registration's request id, its two parties (parsed ID, name), their ID hashes and the new id."""
        people = [(parse_resident_id(man), man_name), (parse_resident_id(woman), woman_name)]
        return (f"b-{uuid.uuid4().hex}", people, [self.cipher.digest(p.number) for p, _ in people],
                uuid.UUID(str(uuid7())))

    def _registered(self, marriage_id: uuid.UUID, number: str, office: str, people: list, masks: list[str],
                    today: dt.date, now: dt.datetime) -> tuple[pb.Marriage, dict]:
        """The registered marriage as the response and event carry it, and its audit view."""
        row = {"id": marriage_id, "certificate_number": number, "state": "REGISTERED", "register_date": today,
               "office_code": office, "historical": False, "reissue_count": 0, "created_at": now, "updated_at": now}
        parties = [{"id_masked": masks[i], "name": n, "nationality": "CHN", "sex": p.sex,
                    "birth_date": p.birth_date} for i, (p, n) in enumerate(people)]
        after = {"certificate_number": number, "state": "REGISTERED", "office_code": office,
                 "register_date": today.isoformat(), "end_date": "", "end_reason": "", "end_reference": "",
                 "parties": [{"id_type": "RESIDENT_ID", "id_masked": masks[i], "name": mask_name(n)}
                             for i, (_, n) in enumerate(people)]}
        return self._marriage_pb(row, parties), after

    async def _records(self, conn: asyncpg.Connection, rows: list) -> list[pb.Marriage]:
        """Parties of the rows (ID numbers decrypted, as the service loads them) and open defects."""
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        parties: dict[uuid.UUID, list] = collections.defaultdict(list)
        for p in await conn.fetch("SELECT * FROM marriage_parties WHERE marriage_id = ANY($1::uuid[]) "
                                  "ORDER BY marriage_id, position", ids):
            if p["id_enc"] is not None:
                self.cipher.decrypt(p["id_enc"])
            parties[p["marriage_id"]].append(p)
        historical = [r["id"] for r in rows if r["historical"]]
        if historical:
            await conn.fetch("SELECT DISTINCT marriage_id, code FROM import_defects WHERE marriage_id = ANY($1::uuid[]) "
                             "AND resolved_at IS NULL AND NOT informational ORDER BY marriage_id, code", historical)
        return [self._marriage_pb(r, parties[r["id"]]) for r in rows]

    # --- the transactions ----------------------------------------------------------------------------

    async def register(self, office: str, man: str, woman: str, man_name: str, woman_name: str) -> str:
        request_id, people, hashes, marriage_id = self._new_couple(man, woman, man_name, woman_name)
        today, now = CLOCK.today(), CLOCK.now()
        assert self.pool is not None
        async with self.pool.acquire() as conn, conn.transaction():
            await self._idempotency_check(conn, request_id)
            claimed = await conn.fetch(
                "INSERT INTO current_spouses (party_hash, marriage_id) VALUES ($1, $3), ($2, $3) "
                "ON CONFLICT DO NOTHING RETURNING party_hash", *sorted(hashes), marriage_id)
            if len(claimed) != 2:
                raise TransactionFailed("PARTY_ALREADY_MARRIED")
            serial = await self._serial(conn, "J", office, today.year)
            number = f"J{office}-{today.year:04d}-{serial:06d}"
            masks = [mask_id(p.number) for p, _ in people]
            await conn.execute(
                "WITH m AS (INSERT INTO marriages (id, certificate_number, office_code, register_date, state, "
                "created_at, updated_at) VALUES ($1, $14, $15, $16, 'REGISTERED', $17, $17)) "
                "INSERT INTO marriage_parties (marriage_id, position, id_type, id_hash, id_enc, id_masked, name, sex, "
                "birth_date, nationality) VALUES ($1, 0, 'RESIDENT_ID', $2, $3, $4, $5, $6, $7, 'CHN'), "
                "($1, 1, 'RESIDENT_ID', $8, $9, $10, $11, $12, $13, 'CHN')", marriage_id,
                hashes[0], self.cipher.encrypt(people[0][0].number), masks[0], man_name, people[0][0].sex,
                people[0][0].birth_date,
                hashes[1], self.cipher.encrypt(people[1][0].number), masks[1], woman_name, people[1][0].sex,
                people[1][0].birth_date, number, office, today, now)
            marriage, after = self._registered(marriage_id, number, office, people, masks, today, now)
            await self._finish(conn, request_id, "RegisterMarriage", marriage.SerializeToString(deterministic=True),
                               "marriage.register", f"marriages/{marriage_id}", after, "marriage_registered",
                               events_pb2.MarriageRegistered(marriage=marriage))
        return f"marriages/{marriage_id}"

    async def status(self, id_number: str) -> int:
        digest = self.cipher.digest(parse_resident_id(id_number).number)
        assert self.pool is not None
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT * FROM marriages WHERE id IN (SELECT marriage_id FROM marriage_parties WHERE id_hash = $1) "
                "ORDER BY register_date DESC, created_at DESC", digest)
            records = await self._records(conn, rows)
        pb.GetMaritalStatusResponse(status=pb.MARITAL_STATUS_MARRIED if records else pb.MARITAL_STATUS_UNMARRIED,
                                    records=records).SerializeToString()
        return len(records)

    async def list(self, office: str, party_name: str = "", page_size: int = 20) -> int:
        query = "SELECT * FROM marriages WHERE office_code LIKE $1 || '%' ESCAPE '/'"
        args: list = [office]
        if party_name:
            query += " AND id IN (SELECT marriage_id FROM marriage_parties WHERE name = $2)"
            args.append(party_name)
        query += f" ORDER BY register_date DESC, id DESC OFFSET 0 LIMIT {page_size + 1}"
        assert self.pool is not None
        async with self.pool.acquire() as conn, conn.transaction():
            records = await self._records(conn, (await conn.fetch(query, *args))[:page_size])
        pb.ListMarriagesResponse(marriages=records).SerializeToString()
        return len(records)

    async def book(self, office: str, day: dt.date, contact: str) -> None:
        request_id = f"b-{uuid.uuid4().hex}"
        assert self.pool is not None
        async with self.pool.acquire() as conn, conn.transaction():
            await self._idempotency_check(conn, request_id)
            o = await conn.fetchrow("SELECT * FROM offices WHERE code = $1", office)
            if o is None:
                raise TransactionFailed("OFFICE_NOT_FOUND")
            special = await conn.fetchrow("SELECT * FROM special_dates WHERE office_code = $1 AND date = $2",
                                          office, day)
            rush = special is not None or day in self.calendar.rush_dates(day.year)
            if not rush and self.calendar.is_rest_day(day):
                raise TransactionFailed("OFFICE_CLOSED")
            capacity = o["daily_capacity"] * (o["rush_multiplier"] if rush else 1)
            await conn.execute("INSERT INTO appointment_days (office_code, date, capacity) VALUES ($1, $2, $3) "
                               "ON CONFLICT DO NOTHING", office, day, capacity)
            counter = await conn.fetchrow("SELECT * FROM appointment_days WHERE office_code = $1 AND date = $2 "
                                          "FOR UPDATE", office, day)
            if counter["booked"] >= capacity:
                raise TransactionFailed("CAPACITY_EXHAUSTED")
            queue = await conn.fetchval(
                "UPDATE appointment_days SET capacity = $3, booked = booked + 1, issued = issued + 1 "
                "WHERE office_code = $1 AND date = $2 RETURNING issued", office, day, capacity)
            appointment_id, now = uuid.UUID(str(uuid7())), CLOCK.now()
            await conn.execute(
                "INSERT INTO appointments (id, office_code, date, kind, state, queue_number, contact_name, "
                "contact_phone, created_at, updated_at) VALUES ($1, $2, $3, 'MARRIAGE', 'BOOKED', $4, $5, $6, $7, $7)",
                appointment_id, office, day, queue, contact, PHONE, now)
            masked_phone = PHONE[:3] + "****" + PHONE[-4:]
            appointment = pb.Appointment(
                name=f"appointments/{appointment_id}", office_code=office, date=day.isoformat(),
                kind=pb.APPOINTMENT_KIND_MARRIAGE, state=pb.APPOINTMENT_STATE_BOOKED, contact_name=mask_name(contact),
                contact_phone=masked_phone, queue_number=queue)
            after = {"office_code": office, "date": day.isoformat(), "kind": "MARRIAGE", "state": "BOOKED",
                     "queue_number": queue, "contact_name": mask_name(contact), "contact_phone": masked_phone}
            await self._finish(conn, request_id, "CreateAppointment", appointment.SerializeToString(deterministic=True),
                               "appointment.book", f"appointments/{appointment_id}", after, "appointment_changed",
                               events_pb2.AppointmentChanged(appointment=appointment))

    async def divorce(self, marriage: str, office: str) -> None:
        from marriage.domain.divorce import divorce_periods

        request_id = f"b-{uuid.uuid4().hex}"
        marriage_id = uuid.UUID(marriage.split("/", 1)[1])
        today, now = CLOCK.today(), CLOCK.now()
        assert self.pool is not None
        async with self.pool.acquire() as conn, conn.transaction():
            await self._idempotency_check(conn, request_id)
            row = await conn.fetchrow("SELECT * FROM marriages WHERE id = $1 FOR UPDATE", marriage_id)
            if row is None or row["state"] != "REGISTERED":
                raise TransactionFailed("MARRIAGE_NOT_CURRENT")
            (record,) = await self._records(conn, [row])
            if await conn.fetchrow("SELECT * FROM divorce_applications WHERE marriage_id = $1 AND outcome IS NULL "
                                   "FOR UPDATE", marriage_id):
                raise TransactionFailed("DIVORCE_ALREADY_APPLIED")
            cooling_off_end, issue_deadline = divorce_periods(today, self.calendar)
            serial = await self._serial(conn, "SL", office, today.year)
            receipt = f"SL{office}-{today.year:04d}-{serial:06d}"
            application_id = uuid.UUID(str(uuid7()))
            agreement = {"children": "无子女", "property": "各自所有", "debts": "无共同债务", "voluntary": True}
            await conn.execute(
                "INSERT INTO divorce_applications (id, marriage_id, office_code, receipt_number, accepted_on, "
                "cooling_off_end, issue_deadline, agreement, full_civil_capacity, certificates_presented, "
                "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, true, 'BOTH', $9, $9)",
                application_id, marriage_id, office, receipt, today, cooling_off_end, issue_deadline,
                json.dumps(agreement), now)
            application = pb.DivorceApplication(
                name=f"divorceApplications/{application_id}", marriage=marriage, state=pb.DIVORCE_STATE_COOLING_OFF,
                office_code=office, accept_date=today.isoformat(), cooling_off_end_date=cooling_off_end.isoformat(),
                issue_deadline_date=issue_deadline.isoformat(), receipt_number=receipt,
                agreement=pb.DivorceAgreement(voluntary=True, children_arrangement="无子女", property_division="各自所有",
                                              debt_handling="无共同债务"), parties=record.parties,
                declarations=pb.DivorceDeclarations(full_civil_capacity=True),
                certificates_presented=pb.CERTIFICATES_PRESENTED_BOTH)
            after = {"marriage": marriage, "office_code": office, "state": "COOLING_OFF",
                     "accepted_on": today.isoformat(), "cooling_off_end": cooling_off_end.isoformat(),
                     "issue_deadline": issue_deadline.isoformat(), "closed_on": "", "certificate_number": "",
                     "full_civil_capacity": True, "certificates_presented": "BOTH"}
            await self._finish(conn, request_id, "ApplyDivorce", application.SerializeToString(deterministic=True),
                               "divorce.apply", f"divorceApplications/{application_id}", after,
                               "divorce_application_changed", events_pb2.DivorceApplicationChanged(
                                   application=application))


# --- operations for the load runner ------------------------------------------------------------

def working_days(count: int) -> list[dt.date]:
    """The next `count` days the bundled calendar has the offices open (no rush dates)."""
    from marriage.domain.calendar import bundled_calendar

    cal = bundled_calendar()
    day, days = CLOCK.today() + dt.timedelta(days=1), []
    while len(days) < count:
        if not cal.is_rest_day(day) and day not in cal.rush_dates(day.year):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class OneStatementSqlTransport(SqlTransport):
    """The lowest floor: a registration's writes in **one** statement, committed on its own (one round
    trip): idempotency record, both claims, the serial, the marriage and its parties, audit row, outbox
    row and NOTIFY. The certificate number is made in SQL, so the stored response, audit row and event
    carry a placeholder of the same length (their cost, not their content, is what is measured)."""

    name = "PostgreSQL (asyncpg, one statement)"

    async def register(self, office: str, man: str, woman: str, man_name: str, woman_name: str) -> str:
        request_id, people, hashes, marriage_id = self._new_couple(man, woman, man_name, woman_name)
        today, now = CLOCK.today(), CLOCK.now()
        masks = [mask_id(p.number) for p, _ in people]
        marriage, after = self._registered(marriage_id, f"J{office}-{today.year:04d}-000000", office, people, masks,
                                           today, now)
        event_id = str(uuid7())
        message = events_pb2.MarriageRegistered(marriage=marriage, event_id=event_id)
        headers = {H_MSG_ID: event_id, H_TYPE: message.DESCRIPTOR.full_name, H_REQUEST_ID: request_id,
                   H_ACTOR: self.ACTOR, H_TIME: now.isoformat()}
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            await conn.execute(
                "WITH i AS (INSERT INTO idempotency (request_id, method, response) "
                "VALUES ($1, 'RegisterMarriage', $2)), "
                "c AS (INSERT INTO current_spouses (party_hash, marriage_id) VALUES ($3, $4), ($5, $4)), "
                "s AS (INSERT INTO certificate_serials (kind, office_code, year, last_serial) VALUES ('J', $6, $7, 1) "
                "ON CONFLICT (kind, office_code, year) DO UPDATE SET last_serial = certificate_serials.last_serial + 1 "
                "RETURNING last_serial), "
                "m AS (INSERT INTO marriages (id, certificate_number, office_code, register_date, state, created_at, "
                "updated_at) SELECT $4, 'J' || $6 || '-' || lpad($7::text, 4, '0') || '-' || lpad(s.last_serial::text, "
                "6, '0'), $6, $8, 'REGISTERED', $9, $9 FROM s), "
                "p AS (INSERT INTO marriage_parties (marriage_id, position, id_type, id_hash, id_enc, id_masked, name, "
                "sex, birth_date, nationality) VALUES ($4, 0, 'RESIDENT_ID', $3, $10, $11, $12, $13, $14, 'CHN'), "
                "($4, 1, 'RESIDENT_ID', $5, $15, $16, $17, $18, $19, 'CHN')), "
                "a AS (INSERT INTO audit_log (id, at, actor, request_id, action, resource, reason, before, after, "
                "office_code) VALUES ($20, $9, $21, $1, 'marriage.register', $22, '', NULL, $23::jsonb, $6)), "
                "o AS (INSERT INTO outbox (id, subject, event_type, payload, headers) "
                "VALUES ($24, 'civic.marriage.marriage_registered', $25, $26, $27::jsonb)) "
                "SELECT pg_notify('marriage_outbox', '')",
                request_id, marriage.SerializeToString(deterministic=True),
                hashes[0], marriage_id, hashes[1], office, today.year, today, now,
                self.cipher.encrypt(people[0][0].number), masks[0], man_name, people[0][0].sex, people[0][0].birth_date,
                self.cipher.encrypt(people[1][0].number), masks[1], woman_name, people[1][0].sex,
                people[1][0].birth_date,
                uuid.UUID(str(uuid7())), self.ACTOR, f"marriages/{marriage_id}", json.dumps(after),
                uuid.UUID(event_id), message.DESCRIPTOR.full_name, message.SerializeToString(deterministic=True),
                json.dumps(headers))
        return f"marriages/{marriage_id}"


class Window:
    """The transactions of the registry window on one transport, as `op(i)` callables."""

    def __init__(self, transport, shared: Shared, offices: tuple[str, ...]) -> None:
        self.t = transport
        self.shared = shared
        self.offices = offices
        self.days = working_days(60)

    def office(self, i: int) -> str:
        return self.offices[i % len(self.offices)]

    def _office_kw(self, office: str) -> dict:
        return {"office": office} if isinstance(self.t, GatewayTransport) else {}

    async def register(self, i: int) -> None:
        office = self.office(i)
        man, woman = self.shared.people.couple()
        name = await self.t.register(office, man, woman, self.shared.name(), self.shared.name())
        self.shared.add(Registered(name, office, man, woman))

    async def status(self, i: int) -> None:
        rng, registered = self.shared.rng, self.shared.registered
        office = self.office(i)
        if registered and rng.random() < 0.5:  # a party on record (half the look-ups) ...
            r = registered[rng.randrange(len(registered))]
            office, number = r.office, (r.man if rng.random() < 0.5 else r.woman)
        else:  # ... or a person without any record (checked before registering)
            number = self.shared.people.resident_id("M" if rng.random() < 0.5 else "F")
        await self.t.status(number, **self._office_kw(office))

    async def list(self, i: int) -> None:
        await self.t.list(self.office(i))

    async def search(self, i: int) -> None:
        names = self.shared.names
        name = names[self.shared.rng.randrange(len(names))] if names else "张伟"
        await self.t.list(self.office(i), party_name=name)

    async def book(self, i: int) -> None:
        day = self.days[self.shared.rng.randrange(len(self.days))]
        await self.t.book(self.office(i), day, self.shared.name())

    async def divorce(self, i: int) -> None:
        queue = self.shared.divorce_queue
        if not queue:  # nothing registered yet to divorce: register instead (counted as a divorce slot)
            raise TransactionFailed("no marriage to divorce (divorce queue empty)")
        r = queue.popleft()
        await self.t.divorce(r.marriage, r.office)


# A registry window's day in 20 transactions: 5 registrations, 4 bookings, 6 status look-ups,
# 2 office lists, 1 name search, 2 divorce applications.
MIX = {"register": 5, "book": 4, "status": 6, "list": 2, "search": 1, "divorce": 2}
SCHEDULE = ("register", "status", "book", "status", "list", "register", "status", "divorce", "book", "register",
            "status", "search", "register", "book", "status", "divorce", "register", "status", "book", "list")
assert collections.Counter(SCHEDULE) == MIX


class MixOp:
    """op(i) for harness.run_load running the schedule; each kind's latencies kept apart too."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.reset()

    def reset(self) -> None:
        self.per_kind: dict[str, Result] = {k: Result(k, 0, 0, 0.0) for k in MIX}

    async def __call__(self, i: int) -> None:
        kind = SCHEDULE[i % len(SCHEDULE)] if i >= 0 else "register"
        res = self.per_kind[kind]
        t0 = time.perf_counter()
        try:
            await getattr(self.window, kind)(i)
        except Exception as exc:
            res.errors += 1
            if len(res.error_samples) < 3:
                res.error_samples.append(repr(exc)[:300])
            raise
        finally:
            res.latencies_ms.append((time.perf_counter() - t0) * 1000)
            res.calls += 1

    def kinds(self, seconds: float, prefix: str) -> list[Result]:
        out = []
        for kind in MIX:
            r = self.per_kind[kind]
            out.append(Result(f"{prefix} · {kind}", r.calls, r.errors, seconds, r.latencies_ms, r.error_samples))
        return out


async def prefill(window: Window, count: int, concurrency: int) -> None:
    """Register `count` marriages on this transport before the measured run (look-ups and divorce
    applications then have records from the first second)."""
    counter = iter(range(count))

    async def worker() -> None:
        for i in counter:
            await window.register(i)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
