"""A historical import interrupted by SIGKILL of the marriage service leaves nothing behind, and the
archive office's retry — the same upload under the same request id, after the restart — imports the
file once, whole, with the report the file deserves (nothing lost, nothing doubled)."""
from __future__ import annotations

import asyncio

import asyncpg
import grpc
import pytest
from civic.marriage.v1 import marriage_service_pb2_grpc

from tests.marriage.integration.test_import_archive import assert_report_matches, sample, stream_file

pytestmark = pytest.mark.timeout(240)
ROWS = 40_000  # about 4 MB of CSV: a few seconds of import, so the kill lands mid-import
REQUEST_ID = "archive-1950-2003-crash"


async def _left_behind(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return dict(await conn.fetchrow(
            "SELECT (SELECT count(*) FROM marriage.imports) AS imports, "
            "(SELECT count(*) FROM marriage.import_rows) AS kept_rows, "
            "(SELECT count(*) FROM marriage.import_defects) AS defects, "
            "(SELECT count(*) FROM marriage.marriages) AS marriages, "
            "(SELECT count(*) FROM marriage.marriage_parties) AS parties, "
            "(SELECT count(*) FROM marriage.current_spouses) AS claims, "
            "(SELECT count(*) FROM marriage.idempotency WHERE request_id = $1) AS request_ids", REQUEST_ID))
    finally:
        await conn.close()


async def _import_writing(url: str, timeout: float = 30.0) -> bool:
    """Whether the service's import transaction has written (holds a transaction id) — waited for."""
    conn = await asyncpg.connect(url)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            if await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'marriage' "
                                   "AND backend_xid IS NOT NULL AND xact_start IS NOT NULL"):
                return True
            await asyncio.sleep(0.05)
        return False
    finally:
        await conn.close()


async def test_sigkill_mid_import_leaves_nothing_and_the_retry_imports_the_file_once(
        marriage_process, own_servers, infra, tmp_path):
    pg, _ = own_servers
    path, manifest = sample(tmp_path, ROWS, seed=1953)
    md = infra.secrets.caller_metadata("marriage_registrar", jurisdiction="421281")

    async with grpc.aio.insecure_channel(marriage_process.address) as channel:
        call = asyncio.ensure_future(marriage_service_pb2_grpc.MarriageServiceStub(channel).ImportHistoricalRecords(
            stream_file(path, REQUEST_ID), metadata=md, timeout=120))
        writing = await _import_writing(pg.url)
        marriage_process.kill()  # SIGKILL while the import's transaction holds written rows
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await call
    assert failed.value.code() in {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                                   grpc.StatusCode.INTERNAL}
    assert writing, "the kill must land while the import's transaction has written rows"
    assert await _left_behind(pg.url) == {"imports": 0, "kept_rows": 0, "defects": 0, "marriages": 0,
                                          "parties": 0, "claims": 0, "request_ids": 0}

    await marriage_process.start(port=marriage_process.port)
    async with grpc.aio.insecure_channel(marriage_process.address) as channel:
        stub = marriage_service_pb2_grpc.MarriageServiceStub(channel)
        report = await stub.ImportHistoricalRecords(stream_file(path, REQUEST_ID), metadata=md, timeout=120)
        assert_report_matches(report, manifest)
        again = await stub.ImportHistoricalRecords(stream_file(path, REQUEST_ID), metadata=md, timeout=120)
    assert again == report
    after = await _left_behind(pg.url)
    assert after["imports"] == 1 and after["kept_rows"] == manifest["rows"] and after["request_ids"] == 1
    assert after["parties"] == 2 * after["marriages"] > 0
    assert await marriage_process.terminate() == 0
