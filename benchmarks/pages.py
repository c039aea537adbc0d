"""Page weight, requests before first render, slow-3G timing, Lighthouse and axe, per page.

Serves the demo content with gunicorn (as in production: compressed, fingerprinted static
files) from a throw-away instance, then measures every public page type and a lesson in
Debian's Chromium through Playwright and the DevTools protocol:

- bytes transferred on a first visit (cold cache) and on a repeat visit, content images left
  out, and the requests started before the first contentful paint;
- first contentful paint and largest contentful paint with the network emulated as slow 3G
  (400 kbit/s both ways, 400 ms round trip), cold cache;
- Lighthouse scores (mobile settings) on the home page, search results, a practice and a
  lesson, if `npm ci` installed Lighthouse;
- axe-core violations on every measured page.

Run from the project root after `make setup` and `npm ci`:

    .venv/bin/python benchmarks/pages.py [--write-readme] [--no-lighthouse]
"""

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- pages:start -->", "<!-- pages:end -->"

FIRST_VISIT_BUDGET = 50 * 1024
REPEAT_VISIT_BUDGET = 15 * 1024
REQUESTS_BEFORE_RENDER_BUDGET = 3
SLOW_3G_BUDGET_MS = 2500
LIGHTHOUSE_BUDGET = 95
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}
PHONE = {"width": 390, "height": 844}
COURSE = "private-sector-local-services"
LEARNER_EMAIL = "pages-benchmark@example.kg"
# Pages Lighthouse scores; every page gets the other measurements.
LIGHTHOUSE_PAGES = ("Home", "Search results", "Practice", "Lesson")
# Result pages of a site's own search ask not to be indexed (search engines advise it), which
# Lighthouse's is-crawlable audit counts against SEO; every other audit still applies there.
SKIPPED_AUDITS = {"Search results": "is-crawlable"}


@dataclass
class PageResult:
    """What was measured on one page."""

    name: str
    path: str
    first_bytes: int = 0
    repeat_bytes: int = 0
    before_render: int = 0
    fcp_ms: float = 0.0
    lcp_ms: float = 0.0
    axe: list[str] = field(default_factory=list)
    lighthouse: dict[str, int] = field(default_factory=dict)

    def within_budget(self) -> bool:
        """Whether every measured figure meets its target."""
        scores_ok = all(score >= LIGHTHOUSE_BUDGET for score in self.lighthouse.values())
        return (
            self.first_bytes <= FIRST_VISIT_BUDGET
            and self.repeat_bytes <= REPEAT_VISIT_BUDGET
            and self.before_render <= REQUESTS_BEFORE_RENDER_BUDGET
            and self.lcp_ms <= SLOW_3G_BUDGET_MS
            and not self.axe
            and scores_ok
        )


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Portal:
    """A throw-away instance with the demo content, served by gunicorn."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.password = secrets.token_urlsafe(12)
        self.server: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """Where gunicorn listens."""
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """The portal's settings for this instance."""
        return os.environ | {
            "PORTAL_SECRET_KEY": "benchmark-" + "x" * 40,
            "PORTAL_SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.workdir / 'portal.sqlite3'}",
            "PORTAL_SEARCH_INDEX_DIR": str(self.workdir / "index"),
            "PORTAL_UPLOAD_DIR": str(self.workdir / "uploads"),
            "PORTAL_SESSION_COOKIE_SECURE": "false",
            "PORTAL_MAIL_BACKEND": "memory",
            "PORTAL_BIND": f"127.0.0.1:{self.port}",
            "PORTAL_WORKERS": "2",
            "FLASK_APP": "portal",
        }

    def prepare(self) -> None:
        """Create the database, load the demo content and a learner who can log in."""
        log = open(self.workdir / "prepare.log", "a")
        for command in (["init"], ["demo"]):
            subprocess.run(
                [str(BIN / "flask"), *command],
                env=self.environment(),
                cwd=ROOT,
                stdout=log,
                stderr=log,
                check=True,
            )
        script = (
            "from portal import create_app\n"
            "from portal.auth.services import create_user\n"
            "with create_app().app_context():\n"
            f"    create_user({LEARNER_EMAIL!r}, {self.password!r}, 'Асель Бенчмарк',"
            " role='learner')\n"
        )
        subprocess.run([sys.executable, "-c", script], env=self.environment(), cwd=ROOT, check=True)

    def start(self) -> None:
        """Start gunicorn and wait until it answers."""
        log = open(self.workdir / "gunicorn.log", "a")
        self.server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            env=self.environment(),
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base_url + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not start: see {self.workdir / 'gunicorn.log'}")

    def stop(self) -> None:
        """Stop gunicorn."""
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=30)


def pages_to_measure(page: Page) -> list[tuple[str, str]]:
    """(name, path) of every public page type and a lesson, found by following the links."""
    page.goto("/practices/")
    practice = page.locator(".practice-card a").first.get_attribute("href")
    page.goto(f"/courses/{COURSE}")
    lesson = page.locator("a[href*='/lessons/']").first.get_attribute("href")
    return [
        ("Home", "/"),
        ("Search results", "/search?q=" + urllib.request.quote("таштанды")),
        ("Search, nothing found", "/search?q=zzqqxx"),
        ("Practice", practice),
        ("Library", "/practices/"),
        ("Map", "/practices/map"),
        ("Courses", "/courses/"),
        ("Course", f"/courses/{COURSE}"),
        ("Lesson", lesson),
        ("Log in", "/account/login"),
    ]


def log_in_and_enrol(page: Page, password: str) -> None:
    """Log the learner in and enrol in the demo course, so its lessons open."""
    page.goto("/account/login")
    page.fill("input[name=email]", LEARNER_EMAIL)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.goto(f"/courses/{COURSE}")
    enrol = page.locator("main form button[type=submit]").first
    if enrol.is_visible():
        enrol.click()


class Transfers:
    """Bytes received over the network per request, from the DevTools protocol."""

    def __init__(self, page: Page) -> None:
        self.session = page.context.new_cdp_session(page)
        self.kinds: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)
        self.session.send("Network.enable")

    def _response(self, event) -> None:
        self.kinds[event["requestId"]] = event["type"]

    def _finished(self, event) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self) -> None:
        """Forget what was counted so far."""
        self.kinds.clear()
        self.sizes.clear()

    def page_bytes(self) -> int:
        """Bytes of everything but content images (the budget leaves those out)."""
        return sum(
            size
            for request, size in self.sizes.items()
            if self.kinds.get(request, "Other") not in ("Image", "Media")
        )


def first_and_repeat_visit(context: BrowserContext, path: str) -> tuple[int, int, int]:
    """Bytes on a cold and on a warm visit, and the requests started before first paint."""
    page = context.new_page()
    transfers = Transfers(page)
    transfers.session.send("Network.clearBrowserCache")
    page.goto(path, wait_until="load")
    page.wait_for_timeout(300)
    first = transfers.page_bytes()
    before_render = page.evaluate(
        """() => {
          const paint = performance.getEntriesByName('first-contentful-paint')[0];
          const at = paint ? paint.startTime : Infinity;
          return 1 + performance.getEntriesByType('resource')
            .filter(entry => entry.startTime < at).length;
        }"""
    )
    transfers.reset()
    page.goto(path, wait_until="load")
    page.wait_for_timeout(300)
    repeat = transfers.page_bytes()
    page.close()
    return first, repeat, before_render


def slow_3g_paints(context: BrowserContext, path: str) -> tuple[float, float]:
    """First and largest contentful paint (ms) on slow 3G from a cold cache."""
    page = context.new_page()
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.clearBrowserCache")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    session.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto(path, wait_until="load", timeout=60_000)
    paints = page.evaluate(
        """() => new Promise(resolve => {
          let largest = 0;
          new PerformanceObserver(list => {
            for (const entry of list.getEntries()) largest = entry.startTime;
          }).observe({type: 'largest-contentful-paint', buffered: true});
          setTimeout(() => {
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            resolve([fcp ? fcp.startTime : -1, largest]);
          }, 500);
        })"""
    )
    page.close()
    return paints[0], paints[1]


def axe_violations(context: BrowserContext, path: str) -> list[str]:
    """axe-core's violations on the page, as rule ids."""
    if not AXE.is_file():
        return ["axe-core not installed (npm ci)"]
    page = context.new_page()
    page.goto(path)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("() => axe.run(document).then(r => r.violations.map(v => v.id))")
    page.close()
    return found


def lighthouse_scores(url: str, cookie: str, workdir: Path, skip: str = "") -> dict[str, int]:
    """Lighthouse's four category scores (0-100) with mobile settings."""
    report = workdir / f"lighthouse-{secrets.token_hex(4)}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
        "--only-categories=performance,accessibility,best-practices,seo",
        "--output=json",
        f"--output-path={report}",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    if skip:
        command.append(f"--skip-audits={skip}")
    subprocess.run(command, check=True, cwd=workdir, timeout=300)
    categories = json.loads(report.read_text())["categories"]
    return {key: round(value["score"] * 100) for key, value in categories.items()}


def session_cookie(context: BrowserContext) -> str:
    """The learner's cookies as a Cookie header, for Lighthouse's own browser."""
    return "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())


def measure(portal: Portal, with_lighthouse: bool) -> list[PageResult]:
    """Measure every page."""
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        # Service workers are blocked: the budget is what the page itself costs.
        options = {
            "base_url": portal.base_url,
            "viewport": PHONE,
            "locale": "ky-KG",
            "service_workers": "block",
        }
        context = browser.new_context(**options)
        log_in_and_enrol(context.new_page(), portal.password)
        axe_context = browser.new_context(**options, bypass_csp=True)
        axe_context.add_cookies(context.cookies())
        measured = pages_to_measure(context.new_page())
        for _name, path in measured * 2:
            # A running portal is warm: open searchers and compiled templates in every worker.
            context.request.get(path)
        for name, path in measured:
            result = PageResult(name, path)
            result.first_bytes, result.repeat_bytes, result.before_render = first_and_repeat_visit(
                context, path
            )
            result.fcp_ms, result.lcp_ms = slow_3g_paints(context, path)
            result.axe = axe_violations(axe_context, path)
            if with_lighthouse and name in LIGHTHOUSE_PAGES:
                cookie = session_cookie(context) if name == "Lesson" else ""
                result.lighthouse = lighthouse_scores(
                    portal.base_url + path, cookie, portal.workdir, SKIPPED_AUDITS.get(name, "")
                )
            results.append(result)
            print(f"  {name}: done", flush=True)
        browser.close()
    return results


def kilobytes(size: int) -> str:
    """Bytes as kilobytes with one decimal."""
    return f"{size / 1024:.1f}"


def table(results: list[PageResult]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| Page | First visit KB | Repeat visit KB | Requests before render "
        "| Slow 3G FCP / LCP ms | Lighthouse perf / a11y / best / SEO | axe | Within budget |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        scores = " / ".join(
            str(r.lighthouse.get(key, "–"))
            for key in ("performance", "accessibility", "best-practices", "seo")
        )
        lines.append(
            f"| {r.name} | {kilobytes(r.first_bytes)} | {kilobytes(r.repeat_bytes)} "
            f"| {r.before_render} | {r.fcp_ms:.0f} / {r.lcp_ms:.0f} "
            f"| {scores if r.lighthouse else '–'} | {', '.join(r.axe) or 'none'} "
            f"| {'yes' if r.within_budget() else '**no**'} |"
        )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace the pages section of benchmarks/README.md."""
    readme = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(readme):
        raise SystemExit(f"{README} has no {START} … {END} section")
    README.write_text(pattern.sub(lambda _m: f"{START}\n{text}\n{END}", readme), "utf-8")


def main() -> None:
    """Measure the pages and print (or write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true", help="update benchmarks/README.md")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse runs")
    arguments = parser.parse_args()
    with_lighthouse = not arguments.no_lighthouse
    if with_lighthouse and not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` first (or --no-lighthouse)")
    with tempfile.TemporaryDirectory(prefix="portal-pages-") as scratch:
        portal = Portal(Path(scratch))
        portal.prepare()
        portal.start()
        try:
            results = measure(portal, with_lighthouse)
        finally:
            portal.stop()
    when = time.strftime("%Y-%m-%d")
    text = (
        f"Measured {when} on this 2-core machine, gunicorn with 2 workers, demo content, "
        f"Chromium {browser_version()}, phone viewport, Kyrgyz interface.\n\n{table(results)}"
    )
    print(text)
    if arguments.write_readme:
        write_readme(text)
    if not all(result.within_budget() for result in results):
        sys.exit(1)


def browser_version() -> str:
    """Chromium's version number."""
    output = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"[\d.]+", output)
    return match.group(0) if match else "?"


if __name__ == "__main__":
    main()
