"""launch_suite never leaves a supervisor behind: its process runs in a session of its own, so a
caller stopped while waiting (SIGTERM → SystemExit, Ctrl-C) must stop it on the way out."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from servicekit.devstack import launch


@pytest.fixture
def started(monkeypatch) -> list[subprocess.Popen]:
    """launch_suite starting a stand-in that never becomes ready, instead of the real supervisor."""
    procs: list[subprocess.Popen] = []
    real = subprocess.Popen

    def popen(args, **kwargs):  # noqa: ANN001, ANN202
        proc = real([sys.executable, "-c", "import time; time.sleep(120)"], **kwargs)
        procs.append(proc)
        return proc

    monkeypatch.setattr(launch.subprocess, "Popen", popen)
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("interrupt", [SystemExit(143), KeyboardInterrupt()])
def test_a_caller_stopped_while_waiting_stops_the_supervisor(started, monkeypatch, tmp_path, interrupt):
    def stopped(_seconds: float) -> None:
        raise interrupt

    # launch's own view of the time module: its wait is interrupted, subprocess's waits are not
    monkeypatch.setattr(launch, "time", SimpleNamespace(monotonic=time.monotonic, sleep=stopped))
    with pytest.raises(type(interrupt)):
        launch.launch_suite(tmp_path, tmp_path / "supervisor.log")
    [proc] = started
    assert proc.poll() is not None  # stopped, not left running


def test_a_suite_not_ready_in_time_is_stopped_and_its_log_shown(started, tmp_path):
    (tmp_path / "supervisor.log").write_text("postgres did not start\n")
    with pytest.raises(RuntimeError, match="postgres did not start"):
        launch.launch_suite(tmp_path, tmp_path / "supervisor.log", timeout=0.0)
    [proc] = started
    assert proc.poll() is not None


def test_a_supervisor_that_ignores_sigterm_is_killed_and_its_leftover_children_reported():
    script = ("import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True); "
              "time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", script])
    time.sleep(1.0)  # its child started
    left = launch.stop_supervisor(proc, wait_s=1.0)
    try:
        assert proc.poll() is not None and len(left) == 1  # the stand-in left its child behind
    finally:
        for pid in left:
            os.kill(pid, signal.SIGKILL)
