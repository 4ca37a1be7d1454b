"""A PII key rotation of the marriage service end to end: records registered, imported and corrected
under key version 1; `python -m marriage rekey` (a real process) with key 2 current and key 1
retired; every blob of the schema then starts with version 2 and decrypts to what it held; a second
run re-encrypts nothing; and a service holding key 2 alone reads the records through the API.

The test shares the run's database with the other marriage tests, whose rows are written with the
run's key (version 1): it re-encrypts those too, and rotates back to version 1 at the end."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys

import grpc
import pytest
from civic.marriage.v1 import resources_pb2 as pb
from marriage.adapters.encrypted import ENCRYPTED
from marriage.bootstrap import MIGRATIONS, build_spec
from marriage.settings import MarriageSettings
from servicekit.pii import PiiCipher, generate_key
from servicekit.rekey import rekey
from servicekit.testing.process import ROOT

from tests.marriage.integration.marriage_support import (
    archive_volume,
    pages,
    person_id,
    register_request,
    reissue_request,
    rows,
    stub,
)
from tests.marriage.integration.test_correction_workflow import defect, import_rows_, proposal, wrong_check

pytestmark = pytest.mark.timeout(300)


async def blobs(service) -> dict[tuple, bytes]:
    """Every encrypted value of the schema, keyed by (table, column, primary key)."""
    found = {}
    for spec in ENCRYPTED:
        for row in await rows(service, f"SELECT {', '.join(spec.key + spec.columns)} FROM {spec.table}"):
            key = tuple(row[: len(spec.key)])
            for i, column in enumerate(spec.columns):
                if (value := row[len(spec.key) + i]) is not None:
                    found[(spec.table, column, key)] = bytes(value)
    return found


async def run_rekey(secrets, infra, *args: str, **env: str) -> tuple[int, list[dict]]:
    """`python -m marriage rekey` as an operator (or a Kubernetes Job) runs it; its JSON log lines."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "marriage", "rekey", *args, cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("CIVIC_")},
             **secrets.service_env(infra.database_url, infra.nats_url), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 240)
    lines = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
    assert not err.strip(), err.decode()
    return proc.returncode, lines


def finished(lines: list[dict]) -> dict[str, dict]:
    [done] = [line for line in lines if line["event"] == "rekey_finished"]
    return {t["table"]: t for t in done["tables"]}


async def test_rotation_rekey_and_reads_with_the_new_key_alone(marriage, secrets, infra, start_service,
                                                               tmp_path):
    vol = archive_volume()
    registrar = secrets.caller_metadata("marriage_registrar", subject="clerk-a")
    s = stub(marriage)
    # Written with version 1: registrations, an archive import, a proposed correction.
    couples = [(person_id("M"), person_id("F")) for _ in range(3)]
    registered = [await s.RegisterMarriage(register_request(m, w), metadata=registrar) for m, w in couples]
    man, woman = person_id("M", dt.date(1958, 3, 1)), person_id("F", dt.date(1960, 5, 2))
    archive = [(man, wrong_check(woman))] + [
        (person_id("M", dt.date(1950, 1, 1)), person_id("F", dt.date(1952, 1, 1))) for _ in range(4)]
    report = await import_rows_(marriage, secrets, tmp_path, [
        f"鄂蒲婚字(1984){vol}第{i:06d}号,1984-05-01,结婚,张建国,{m},李秀英,{w},421281"
        for i, (m, w) in enumerate(archive, start=1)])
    bad = await defect(marriage, secrets, report, "BAD_CHECK_DIGIT")
    correction = await s.ProposeCorrection(proposal(bad, woman), metadata=registrar)
    agent = person_id("M")  # a reissue by proxy keeps the agent's number encrypted
    await s.ReissueCertificate(reissue_request(registered[0].name, couples[0][1], "421281", proxy=pb.ReissueProxy(
        id_type=pb.ID_TYPE_RESIDENT_ID, id_number=agent, name="王五", power_of_attorney="(2024)鄂赤壁证字第1号")),
        metadata=registrar)

    old = marriage.infra.cipher
    assert old.version == 1
    before = await blobs(marriage)
    assert {table for table, _, _ in before} == {"marriage_parties", "import_rows", "corrections", "certificates"}
    assert all(blob[0] == 1 for blob in before.values())
    plain = {where: old.decrypt(blob) for where, blob in before.items()}

    new_key = generate_key()
    rotated = {"CIVIC_PII_KEY": new_key, "CIVIC_PII_KEY_VERSION": "2",
               "CIVIC_PII_RETIRED_KEYS": f"1:{secrets.pii_key}"}
    try:
        code, lines = await run_rekey(secrets, infra, "--check", **rotated)
        assert code == 1  # values left to re-encrypt
        # A retired key that is not the one the data was written with: stopped before any batch.
        code, lines = await run_rekey(secrets, infra, **{**rotated, "CIVIC_PII_RETIRED_KEYS": f"1:{generate_key()}"})
        assert code == 2 and any("CIVIC_PII_RETIRED_KEYS" in line.get("error", "") for line in lines)
        assert await blobs(marriage) == before
        code, lines = await run_rekey(secrets, infra, "--batch-size", "100", **rotated)
        assert code == 0, lines
        counts = finished(lines)
        after = await blobs(marriage)
        assert after.keys() >= before.keys()
        assert all(after[where][0] == 2 for where in before)
        for column in ("original_enc", "corrected_enc"):
            assert counts["marriage.corrections"]["reencrypted"][column] == sum(
                1 for t, c, _ in before if (t, c) == ("corrections", column))
        assert counts["marriage.marriage_parties"]["reencrypted"]["id_enc"] == sum(
            1 for t, _, _ in before if t == "marriage_parties")
        assert counts["marriage.certificates"]["reencrypted"]["agent_id_enc"] == sum(
            1 for t, _, _ in before if t == "certificates")
        logged = json.dumps(lines, ensure_ascii=False)
        assert not any(number in logged for number in (man, woman, wrong_check(woman), agent, *sum(couples, ())))
        only_new = PiiCipher.from_base64(new_key, secrets.pii_hash_key, version=2)
        assert {where: only_new.decrypt(after[where]) for where in before} == plain

        code, lines = await run_rekey(secrets, infra, **rotated)
        assert code == 0
        assert all(sum(t["reencrypted"].values()) == 0 for t in finished(lines).values())
        assert await blobs(marriage) == after
        assert (await run_rekey(secrets, infra, "--check", **rotated))[0] == 0

        # A fresh token (tokens live 120 s; the rekey runs above can outlast one on a loaded machine),
        # so that the refusal below is the old key's, not an expired token's.
        registrar = secrets.caller_metadata("marriage_registrar", subject="clerk-a")
        # The old configuration can no longer read them; the new key alone can.
        with pytest.raises(grpc.aio.AioRpcError) as unreadable:
            await s.GetMarriage(pb.GetMarriageRequest(name=registered[0].name), metadata=registrar)
        assert unreadable.value.code() != grpc.StatusCode.UNAUTHENTICATED, unreadable.value.details()
        v2 = await start_service(build_spec(), MarriageSettings, MIGRATIONS, pii_key=new_key,
                                 pii_key_version=2, lapse_sweep_interval_s=3600)
        s2 = stub(v2)
        for record, (m, w) in zip(registered, couples):
            got = await s2.GetMarriage(pb.GetMarriageRequest(name=record.name), metadata=registrar)
            assert [p.id_number for p in got.parties] == [p.id_number for p in record.parties]  # masked
            printed = await s2.PrintCertificate(pb.PrintCertificateRequest(name=record.name, purpose="打印结婚证"),
                                                metadata=registrar)
            assert [p.id_number for p in printed.parties] == [m, w]
            status = await s2.GetMaritalStatus(pb.GetMaritalStatusRequest(
                id_type=pb.ID_TYPE_RESIDENT_ID, id_number=m), metadata=registrar)
            assert status.status == pb.MARITAL_STATUS_MARRIED and status.marriage.name == record.name
        historical = await s2.GetMaritalStatus(pb.GetMaritalStatusRequest(
            id_type=pb.ID_TYPE_RESIDENT_ID, id_number=man), metadata=registrar)
        assert bad.marriage in {r.name for r in historical.records}
        # Every page: the run's other tests (the demo year) leave many corrections.
        listed = [c async for page in pages(s2.ListCorrections, pb.ListCorrectionsRequest(
            state=pb.CORRECTION_STATE_PROPOSED, page_size=1000), registrar) for c in page.corrections]
        [mine] = [c for c in listed if c.name == correction.name]
        assert (mine.original_value, mine.corrected_value) == (correction.original_value,
                                                               correction.corrected_value)
        registered_now = await s2.RegisterMarriage(register_request(), metadata=registrar)
        [new_blob] = await rows(marriage, "SELECT id_enc FROM marriage_parties WHERE marriage_id = :m "
                                          "AND position = 0", m=registered_now.name.split("/")[1])
        assert new_blob.id_enc[0] == 2
    finally:
        # Back to the run's key (version 1, key 2 retired) for the tests that follow.
        back = PiiCipher.from_base64(secrets.pii_key, secrets.pii_hash_key,
                                     retired=f"2:{new_key}")
        await rekey(marriage.infra.db, back, ENCRYPTED)
    assert all(blob[0] == 1 for blob in (await blobs(marriage)).values())
