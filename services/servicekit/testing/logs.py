"""Capturing a process's JSON log lines in a test, and putting its logging back afterwards."""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from servicekit.logging import configure_logging


@contextmanager
def captured_logs(service: str = "kit-test", level: str = "INFO") -> Iterator[io.StringIO]:
    """Log as `service` does (servicekit.logging), into the returned stream, until the block ends;
    then the root logger's handlers and level and structlog's configuration are as they were."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(service, level, stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        structlog.contextvars.clear_contextvars()
        structlog.reset_defaults()
