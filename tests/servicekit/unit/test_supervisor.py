"""`make run` prints the URL of its own gateway. Its preferred port (8080) can be taken between the
check that found it free and the gateway's bind (another suite on the same machine); /readyz cannot
tell, since the other suite's gateway answers it too: the supervisor then printed, and the e2e test
used, someone else's stack while its own gateway had exited with 'address already in use'."""
from __future__ import annotations

import subprocess
import sys

from servicekit.devstack.supervisor import wait_listening


def child(tmp_path, code: str) -> tuple[subprocess.Popen, object]:
    log = tmp_path / "gateway.log"
    log.write_text('{"event": "an earlier run", "note": "Uvicorn running on http://127.0.0.1:8080"}\n')
    offset = log.stat().st_size
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT)
    return proc, (log, offset)


def test_a_gateway_that_could_not_bind_is_noticed(tmp_path) -> None:
    proc, (log, offset) = child(tmp_path, "print('[Errno 98] error while attempting to bind on address "
                                          "(\\'127.0.0.1\\', 8080): address already in use')")
    assert wait_listening(proc, log, offset, 8080, timeout=20) is False  # not fooled by the earlier run


def test_a_gateway_listening_on_the_port_is_recognised(tmp_path) -> None:
    proc, (log, offset) = child(tmp_path, "import time; print('{\"event\": \"Uvicorn running on "
                                          "http://127.0.0.1:8080 (Press CTRL+C to quit)\"}', flush=True); "
                                          "time.sleep(30)")
    try:
        assert wait_listening(proc, log, offset, 8080, timeout=20) is True
    finally:
        proc.kill()
