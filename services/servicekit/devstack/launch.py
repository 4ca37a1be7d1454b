"""Start `make run`'s supervisor (``python -m servicekit.devstack run``) in a data folder of one's
own and wait until the suite is ready — for the end-to-end tests and the benchmarks, which drive
the whole suite as a user's `make run` starts it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def launch_suite(data: Path, log: Path, env: dict[str, str] | None = None, cwd: Path | None = None,
                 timeout: float = 240.0) -> subprocess.Popen:
    """The supervisor, started with ``CIVIC_DATA_DIR=data`` (``DATABASE_URL``/``NATS_URL`` of the
    caller's environment dropped: it embeds its own), its output appended to ``log``; returns once
    ``run.json`` is written. On failure or timeout its process group is stopped and the log's tail
    raised."""
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NATS_URL")}
    full.update(env or {})
    full["CIVIC_DATA_DIR"] = str(data)
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "servicekit.devstack", "run"], cwd=cwd, env=full,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while not (data / "run.json").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the suite did not become ready:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
    except BaseException:  # not ready in time, or the caller is being stopped (SIGTERM, Ctrl-C):
        stop_group(proc)  # the supervisor runs in a session of its own and would outlive the caller
        raise
    return proc


def stop_group(proc: subprocess.Popen, wait_s: float = 60.0) -> None:
    """SIGTERM to the process group of ``proc`` (started with ``start_new_session``) if it still runs."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(wait_s)


def stop_supervisor(proc: subprocess.Popen, wait_s: float = 90.0) -> list[int]:
    """SIGTERM the supervisor (it stops the services, the gateway, PostgreSQL and NATS it started),
    SIGKILL it if it has not exited within ``wait_s``; returns the pids of its children still alive
    afterwards — none when the shutdown was clean."""
    import psutil  # a development tool: not needed by the services

    try:
        children = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        children = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(wait_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(wait_s)
    time.sleep(0.5)
    return [pid for pid in children if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
