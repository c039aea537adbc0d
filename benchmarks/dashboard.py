"""Dashboard benchmark: GET /reports/ on SQLite over a generated programme of 10,000 learners.

A fresh database gets, with bulk INSERTs and a fixed seed: 10,000 learners (regions, districts
and genders as the programme's, some not stated), 50 courses of 5–10 lessons, their enrolments,
about 100,000 completed lessons, quiz attempts and course completions, 300 practices and a
search log of 20,000 queries. Then GET /reports/ (and two filtered variants) is timed through
the test client as an administrator: one warm-up, then 20 runs, p50 and p95 of the server time.

Usage: `python benchmarks/dashboard.py [--write-readme] [--profile] [--runs 20] [--seed 1]`.
"""

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from dashboard_data import fill_database, row_counts

README = Path(__file__).resolve().parent / "README.md"
MARK_START, MARK_END = "<!-- dashboard-benchmark:start -->", "<!-- dashboard-benchmark:end -->"
TARGET_MS = 300
INTRO = """## Dashboard (`dashboard.py`)

`dashboard.py` fills a fresh SQLite database, from a fixed seed and with bulk INSERTs, with a
programme of 10,000 learners (regions, districts and genders, about 5 % without a region and
10 % without a gender), 50 courses of 5–10 lessons (45 published), their enrolments, about
100,000 completed lessons, quiz attempts and course completions over three years, 300 practices
and a search log of 20,000 queries. It then times GET /reports/ in-process through the test
client as an administrator (all sections: learning, library, search): one warm-up, then 20
runs, p50 and p95 of the server time; and the build time of each section on its own.

    .venv/bin/python benchmarks/dashboard.py --write-readme

Options: `--runs 20`, `--seed 1`, `--workdir DIR` (keep the database there), `--profile` (the
slowest sections and SQL statements). The section below is replaced on every `--write-readme`.
"""
URLS = (
    ("default period (last 365 days)", "/reports/"),
    ("since the beginning", "/reports/?period=all"),
    ("one region and topic, all time", "/reports/?period=all&region=osh&topic=waste-management"),
)


def benchmark_app(workdir: Path, fresh: bool = True):
    """A portal app on a SQLite database in `workdir` (emptied first when `fresh`)."""
    from portal import create_app

    for suffix in ("", "-wal", "-shm"):
        if fresh:
            (workdir / f"dashboard.sqlite3{suffix}").unlink(missing_ok=True)
    return create_app(
        {
            "SECRET_KEY": "dashboard-benchmark-secret-key-long-enough",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'dashboard.sqlite3'}",
            "SEARCH_INDEX_DIR": str(workdir / "search-index"),
            "UPLOAD_DIR": str(workdir / "uploads"),
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "memory",
        }
    )


def logged_in_client(app, token: str):
    """A test client with an administrator's session, as the login form would leave it."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ky"
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    return client


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered) + 0.5) - 1)]


def time_page(client, url: str, runs: int) -> list[float]:
    """Milliseconds per GET of `url`, after one warm-up request."""
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return times


def time_sections(app, token: str, url: str, runs: int) -> dict[str, list[float]]:
    """Milliseconds per build of every registered section, for the filters of `url`."""
    from flask_login import login_user

    from portal.auth import load_user
    from portal.reports import section_sources
    from portal.reports.filters import filters_from_request

    times: dict[str, list[float]] = defaultdict(list)
    with app.test_request_context(url, headers={"Accept-Language": "ky"}):
        login_user(load_user(token))
        filters, _period = filters_from_request()
        for _ in range(runs + 1):
            for source in section_sources():
                started = time.perf_counter()
                source.build(filters)
                times[source.key].append((time.perf_counter() - started) * 1000)
    return {key: values[1:] for key, values in times.items()}  # the first run warms up


def slowest_statements(app, token: str, url: str, top: int = 8) -> list[tuple[float, str]]:
    """The SQL statements that took longest while the page was built once."""
    from sqlalchemy import event

    from portal.extensions import db

    spent, started = [], {}
    client = logged_in_client(app, token)

    def before(_conn, _cursor, statement, *_args):
        started[statement] = time.perf_counter()

    def after(_conn, _cursor, statement, *_args):
        spent.append(((time.perf_counter() - started.pop(statement)) * 1000, statement))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return sorted(spent, reverse=True)[:top]


def print_profile(sections: dict, statements: list) -> None:
    """The sections, slowest first, and the slowest SQL statements."""
    print("\nSections of GET /reports/, median build time:")
    medians = {key: statistics.median(values) for key, values in sections.items()}
    for key, value in sorted(medians.items(), key=lambda item: -item[1]):
        print(f"  {key:<12} {value:8.1f} ms")
    print("\nSlowest SQL statements of one GET /reports/:")
    for milliseconds, statement in statements:
        print(f"  {milliseconds:8.1f} ms  {' '.join(statement.split())[:150]}")


def machine() -> str:
    """CPU, Python and SQLite versions, for the record."""
    cpuinfo = Path("/proc/cpuinfo")
    names = [line for line in cpuinfo.read_text().splitlines() if "model name" in line]
    model = names[0].split(":", 1)[1].strip() if names else platform.processor()
    return (
        f"{os.cpu_count()} × {model}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def report(counts: dict, pages: dict, sections: dict, build_seconds: float, runs: int) -> str:
    """The README section: the data, the page timings, the time per section."""
    data = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    lines = [
        f"Run on {machine()}, {date.today().isoformat()}.",
        "",
        "Command: `python benchmarks/dashboard.py --write-readme`",
        "",
        f"Data (generated in {build_seconds:.0f} s): {data}.",
        "",
        f"| GET ({runs} runs after a warm-up) | p50 ms | p95 ms | p95 < {TARGET_MS} ms |",
        "|---|---:|---:|:---:|",
    ]
    for (label, url), times in pages.items():
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        mark = "✓" if p95 < TARGET_MS else "✗"
        lines.append(f"| {label}: `{url}` | {p50:.0f} | {p95:.0f} | {mark} |")
    lines += ["", f"Build time per section (default period, {runs} runs):", ""]
    lines += ["| section | p50 ms | p95 ms |", "|---|---:|---:|"]
    for key, values in sorted(sections.items(), key=lambda item: -statistics.median(item[1])):
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        lines.append(f"| {key} | {p50:.1f} | {p95:.1f} |")
    return "\n".join(lines)


def write_readme(section: str) -> None:
    """Replace the dashboard section of benchmarks/README.md (appending it the first time)."""
    text = README.read_text("utf-8")
    if MARK_START not in text:
        text = text.rstrip("\n") + f"\n\n{INTRO}\n{MARK_START}\n{MARK_END}\n"
    head, rest = text.split(MARK_START, 1)
    tail = rest.split(MARK_END, 1)[1]
    README.write_text(f"{head}{MARK_START}\n{section}\n{MARK_END}{tail}", "utf-8")


def main() -> None:
    """Generate the programme, time the dashboard, print (and optionally record) the result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print the slowest sections")
    parser.add_argument("--workdir", type=Path, help="scratch directory (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        app = benchmark_app(workdir)
        started = time.perf_counter()
        with app.app_context():
            token = fill_database(args.seed)
            counts = row_counts()
        build_seconds = time.perf_counter() - started
        client = logged_in_client(app, token)
        pages = {(label, url): time_page(client, url, args.runs) for label, url in URLS}
        sections = time_sections(app, token, URLS[0][1], args.runs)
        section = report(counts, pages, sections, build_seconds, args.runs)
        print(section)
        if args.profile:
            print_profile(sections, slowest_statements(app, token, URLS[0][1]))
        if args.write_readme:
            write_readme(section)
            print(f"\nWritten to {README}")
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
