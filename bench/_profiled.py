"""Run `python -m <module> <args…>` with a cProfile profiler, timed by the wall clock (default:
time.perf_counter, cheap, but counts time the process was descheduled — profile when the machine
is quiet) or by the main thread's CPU clock (CIVIC_PROFILE_CLOCK=cpu: time.thread_time, immune to
load, but each reading is a system call that inflates call-heavy code). The profiler is
off until SIGUSR1 and off again after SIGUSR2, so only the measured window is in the profile; the
stats are written when the module returns or exits (SIGTERM → clean shutdown in every Civic process).

    python -m bench._profiled OUT.prof marriage serve
"""
from __future__ import annotations

import cProfile
import os
import runpy
import signal
import sys
import time


def main() -> None:
    out, module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    clock = time.thread_time if os.environ.get("CIVIC_PROFILE_CLOCK") == "cpu" else time.perf_counter
    profiler = cProfile.Profile(clock)
    signal.signal(signal.SIGUSR1, lambda *_: profiler.enable())
    signal.signal(signal.SIGUSR2, lambda *_: profiler.disable())
    # uvicorn re-raises the SIGTERM it handled once it has shut down: end here, stats written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    finally:
        profiler.disable()
        profiler.dump_stats(out)


if __name__ == "__main__":
    main()
