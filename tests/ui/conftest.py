"""UI browser tests: the whole suite started as `make run` starts it (the `suite` fixture of
tests/e2e), driven through Debian's Chromium by Playwright's Python API.

Where /usr/bin/chromium is missing the browser tests skip, saying so (the only skip allowed);
the check runs before the suite is started. Screenshots (and the suite's logs) go to
test-artifacts/ui/.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from servicekit.testing.plugin import server_folder

from tests.e2e.conftest import RunningSuite, start_suite, stop_suite
from tests.ui.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORT


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}: the UI browser tests need it "
                    "(apt-get install chromium; .ci/run installs it)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    """One Chromium per test module: Playwright's sync API runs an event loop on this thread while
    it is open, which the asyncio tests of other modules need free."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def suite(chromium: str) -> Iterator[RunningSuite]:
    """tests/e2e's suite fixture, started only once Chromium is known to be there; the services'
    logs are kept with the screenshots."""
    with server_folder() as folder:  # PostgreSQL runs as `pgserver`: not under pytest's private basetemp
        running = start_suite(folder / "civic")
        try:
            yield running
        finally:
            stop_suite(running)
            logs = ARTIFACTS / "logs"
            shutil.rmtree(logs, ignore_errors=True)
            shutil.copytree(running.data / "logs", logs, dirs_exist_ok=True)
            shutil.copy(running.output, logs / "supervisor.log")


@pytest.fixture
def new_context(browser, suite) -> Iterator[Callable[..., object]]:
    """Fresh browser contexts (each like a private window: no storage, no cookies)."""
    made = []

    def make(**options: object) -> object:
        # A test may give the workstation another zone (timezone_id) or window (viewport).
        context = browser.new_context(**{"base_url": suite.url, "viewport": VIEWPORT, "locale": "zh-CN",
                                         "timezone_id": "Asia/Shanghai", **options})
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context) -> object:
    return new_context().new_page()
