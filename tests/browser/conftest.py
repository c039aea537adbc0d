"""Browser tests: the portal served on loopback, driven in Debian's Chromium through Playwright."""

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "test-artifacts" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
ACTION_TIMEOUT_MS = 10_000
PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(items):
    """Mark every test under tests/browser as a browser test."""
    # This hook sees the whole session's items, not only this folder's.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


def call_failed(item) -> bool:
    """Whether the test body of `item` has failed (read during fixture teardown)."""
    report = item.stash.get(PHASE_REPORTS, {}).get("call")
    return report is not None and report.failed


def running_in_ci() -> bool:
    """Whether the CI environment variable is set to something other than false."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str:
    """PORTAL_CHROMIUM, else Debian's Chromium; skip when there is none, but fail in CI."""
    configured = os.environ.get("PORTAL_CHROMIUM")
    candidates = (configured,) if configured else CHROMIUM_CANDIDATES
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    reason = (
        f"no Chromium executable at {' or '.join(candidates)}: "
        "apt-get install chromium, or point PORTAL_CHROMIUM at one"
    )
    if running_in_ci():
        pytest.fail(f"{reason} (CI must not skip browser tests)", pytrace=False)
    pytest.skip(reason)


# tests/reliability imports these fixtures too, which makes a second session fixture; Playwright's
# sync API cannot start twice in one thread, so the second one lends the first one's browser.
_RUNNING: dict[str, Browser] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    if "browser" in _RUNNING:
        yield _RUNNING["browser"]
        return
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        _RUNNING["browser"] = browser
        try:
            yield browser
        finally:
            del _RUNNING["browser"]
            browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app served on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval makes shutdown() return quickly instead of after up to half a second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def new_page(browser, live_server, request) -> Iterator[Callable[..., Page]]:
    """Open tabs, each in a fresh browser context aimed at the live server: new_page(**options)."""
    # Requesting live_server here makes the contexts, with their keep-alive connections,
    # close before the server shuts down.
    contexts: list[BrowserContext] = []

    def open_page(**options) -> Page:
        settings = {"locale": "ky-KG", "viewport": PHONE, "base_url": live_server} | options
        context = browser.new_context(**settings)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    if call_failed(request.node):
        save_screenshots(request.node.name, contexts)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    """A phone-sized tab in Kyrgyz, in its own browser context; relative URLs reach the app."""
    return new_page()


def save_screenshots(test_name: str, contexts: list[BrowserContext]) -> None:
    """Save a full-page screenshot of every open tab as test-artifacts/screenshots/<test>.png."""
    tabs = [tab for context in contexts for tab in context.pages if not tab.is_closed()]
    stem = re.sub(r"[^\w.-]+", "_", test_name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for number, tab in enumerate(tabs, start=1):
        suffix = "" if number == 1 else f"-{number}"
        tab.screenshot(path=SCREENSHOTS / f"{stem}{suffix}.png", full_page=True)
