"""The browser fixtures of tests/browser (Debian's Chromium, the app on loopback), shared."""

from tests.browser.conftest import browser, live_server, new_page  # noqa: F401
