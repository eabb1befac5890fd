"""Headless Chromium, driven by Playwright, against pytest-django's live server.

The browser is Debian's /usr/bin/chromium; nothing is downloaded. Missing Chromium: the browser
tests skip on a developer's machine and fail in CI.

Playwright's sync API keeps an asyncio event loop running in the test thread for as long as the
browser is open, and Django refuses ORM calls from a thread with a running loop. So
DJANGO_ALLOW_ASYNC_UNSAFE is set while the browser is open, and the tests that use it are moved
to the end of the run: every other test keeps Django's safety check.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer

from tests.ci import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # trylast: runs after pytest-django's own ordering. sort() is stable, so the rest keeps it.
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so `page` can tell, at teardown, that the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class SerialLiveServer(WSGIServer):
    """The live server handling one request at a time, in the server's own thread.

    On in-memory SQLite every request thread of Django's threaded live server uses the test's
    one shared connection; the dashboard's four sections, fetched side by side, then hung in
    sqlite3 now and then (Django ticket #29062). Requests on PostgreSQL stay threaded.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def serial_live_server_on_sqlite():
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor == "sqlite":
        LiveServerThread.server_class = SerialLiveServer


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser, live_server, django_db_serialized_rollback):
    """A fresh browser tab (own cookies) whose relative URLs go to the live server.

    Serialized rollback: the live server needs a transactional database, whose flush after each
    test would otherwise also wipe the reference data loaded by migrations (provinces, unit kinds).
    """
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
    context.close()
