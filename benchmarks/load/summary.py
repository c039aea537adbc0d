"""The figures of a load run (requests.csv, the access log, faults.jsonl and the checks after
the run) as Markdown, and their place in benchmarks/README.md."""

import csv
import os
import platform
import re
import sqlite3
import statistics
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

TARGET_P95_MS = 500
IN_STEP_TARGET_S = 30
CATEGORIES = ("page", "search", "action", "trainer")
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+)" (?P<status>\d{3}) \S+ (?P<ms>\d+)ms')


@dataclass
class RunFacts:
    """What one run measured and checked."""

    database: str
    users: int
    minutes: float
    faults: bool
    requests: list[dict]
    fault_events: list[dict]
    records: dict
    in_step_after_s: float | None
    locked_lines: int
    server_times: dict[str, list[float]] = field(default_factory=dict)
    locust_warnings: list[str] = field(default_factory=list)
    database_version: str = ""
    cpu: dict[str, float] = field(default_factory=dict)


def read_requests(path: Path) -> list[dict]:
    """requests.csv as dictionaries with numbers."""
    with open(path, newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        row["started"], row["ms"] = float(row["started"]), float(row["ms"])
        row["status"] = int(row["status"] or 0)
    return rows


def read_access_log(paths: list[Path]) -> dict[str, list[float]]:
    """Server-side milliseconds per category (GET search, other GETs, POSTs) from gunicorn's
    access lines (in server.log with gunicorn.conf.py's logging, else in access.log)."""
    times: dict[str, list[float]] = {"page": [], "search": [], "action": []}
    lines = [
        line for p in paths if p.exists() for line in p.read_text(errors="replace").splitlines()
    ]
    for line in lines:
        match = ACCESS_LINE.search(line)
        if not match:
            continue
        if match["method"] == "POST":
            category = "action"
        elif match["path"].startswith(("/search", "/api/search")):
            category = "search"
        else:
            category = "page"
        times[category].append(float(match["ms"]))
    return times


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def outage_windows(events: list[dict]) -> list[tuple[float, float]]:
    """When the database was down: from the stop command until the probes saw it back, plus
    2 s of slack."""
    windows = []
    for event in events:
        if event["kind"] == "database-outage" and "stopped_at" in event:
            back = event["started_at"] + (event.get("recovered_after_s") or 60) + 2
            windows.append((event.get("stopping_at", event["stopped_at"]), back))
    return windows


def during_outage(request: dict, windows: list[tuple[float, float]]) -> bool:
    """Whether the request was in flight while the database was down."""
    end = request["started"] + request["ms"] / 1000
    return any(request["started"] <= high and end >= low for low, high in windows)


def category_rows(facts: RunFacts) -> list[tuple]:
    """(category, requests, failures, 5xx, no answer, p50, p95, p99, server p95) per category."""
    rows = []
    for category in (*CATEGORIES, "all"):
        chosen = [r for r in facts.requests if category in ("all", r["category"])]
        if not chosen:
            continue
        answered = [r["ms"] for r in chosen if r["status"]]
        server = facts.server_times.get(category) or (
            sum(facts.server_times.values(), []) if category == "all" else []
        )
        rows.append(
            (
                category,
                len(chosen),
                sum(1 for r in chosen if r["error"]),
                sum(1 for r in chosen if r["status"] >= 500),
                sum(1 for r in chosen if not r["status"]),
                statistics.median(answered) if answered else 0.0,
                percentile(answered, 0.95),
                percentile(answered, 0.99),
                percentile(server, 0.95) if server else None,
            )
        )
    return rows


def cpu_lines(facts: RunFacts) -> list[str]:
    """How many of the machine's cores each part used on average during the load."""
    cpu = facts.cpu
    if not cpu:
        return []
    parts = [("gunicorn", "gunicorn (4 workers)"), ("postgresql", "PostgreSQL")]
    parts += [("applier", "the applier"), ("locust", "Locust"), ("other", "other work")]
    used = ", ".join(f"{label} {cpu[key]:.2f}" for key, label in parts if key in cpu)
    per_request = cpu["gunicorn"] * facts.minutes * 60 / max(1, len(facts.requests)) * 1000
    return [
        "",
        f"CPU during the load, in cores of {cpu['cpus']:.0f}: {cpu['machine']:.2f} busy: {used} "
        f"(gunicorn: about {per_request:.0f} ms of CPU per request).",
    ]


def minute_lines(facts: RunFacts) -> list[str]:
    """Minute by minute: requests, p95 per category, 5xx and unanswered, faults injected."""
    if not facts.requests:
        return []
    start = min(r["started"] for r in facts.requests)
    lines = [
        "| minute | requests | p95 page | p95 search | p95 action | 5xx | no answer | faults |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for minute in range(int((max(r["started"] for r in facts.requests) - start) // 60) + 1):
        low, high = start + 60 * minute, start + 60 * (minute + 1)
        chosen = [r for r in facts.requests if low <= r["started"] < high]
        p95 = {
            category: percentile(
                [r["ms"] for r in chosen if r["category"] == category and r["status"]], 0.95
            )
            for category in ("page", "search", "action")
        }
        faults = [
            e["kind"]
            for e in facts.fault_events
            if low <= fault_start(e) < high and "skipped" not in e and "error" not in e
        ]
        lines.append(
            f"| {minute + 1} | {len(chosen):,} | {p95['page']:.0f} | {p95['search']:.0f} "
            f"| {p95['action']:.0f} | {sum(1 for r in chosen if r['status'] >= 500)} "
            f"| {sum(1 for r in chosen if not r['status'])} | {', '.join(faults) or '–'} |"
        )
    return lines


def fault_start(event: dict) -> float:
    """When a fault began (the outage's stop command, else when it was noted)."""
    return event.get("stopping_at") or event.get("stopped_at") or event["at"]


def mark(ok: bool) -> str:
    """✓ or ✗."""
    return "✓" if ok else "✗"


def target_lines(facts: RunFacts, rows: list[tuple]) -> list[str]:
    """The issue's targets, each with its figure and whether it was met."""
    windows = outage_windows(facts.fault_events)
    server_errors = [r for r in facts.requests if r["status"] >= 500]
    outside = [r for r in server_errors if not during_outage(r, windows)]
    inside = len(server_errors) - len(outside)
    p95 = {row[0]: row[6] for row in rows}
    missing, acknowledged = (
        facts.records.get("missing_count"),
        facts.records.get("acknowledged", {}),
    )
    in_step = facts.in_step_after_s
    lines = [
        f"- 5xx answers: {len(outside)} outside the database outage (target 0) "
        f"{mark(not outside)}; {inside} inside it (the expected 503)",
        f"- p95 pages {p95.get('page', 0):.0f} ms, search {p95.get('search', 0):.0f} ms "
        f"(target ≤ {TARGET_P95_MS}) "
        f"{mark(max(p95.get('page', 0), p95.get('search', 0)) <= TARGET_P95_MS)}",
        f'- "database is locked" in the logs: {facts.locked_lines} {mark(not facts.locked_lines)}',
        f"- acknowledged records missing from the database: {missing} of "
        f"{sum(acknowledged.values())} ({format_counts(acknowledged)}) {mark(missing == 0)}",
        "- search index equal to the database "
        + (
            f"{in_step:.0f} s after the load ended (target ≤ {IN_STEP_TARGET_S} s) "
            f"{mark(in_step <= IN_STEP_TARGET_S)}"
            if in_step is not None
            else "not reached within the wait ✗"
        ),
    ]
    return lines


def format_counts(counts: dict) -> str:
    """'3 enrolment, 40 completion' from a Counter-like dict."""
    return ", ".join(f"{value} {key}" for key, value in sorted(counts.items())) or "none"


def fault_lines(facts: RunFacts) -> list[str]:
    """One line per kind of fault and what came of it."""
    by_kind: dict[str, list[dict]] = {}
    for event in facts.fault_events:
        by_kind.setdefault(event["kind"], []).append(event)
    lines = []
    kills = by_kind.get("kill-worker", [])
    if kills:
        replaced = [e["replaced_after_s"] for e in kills if "replaced_after_s" in e]
        no_answer = sum(1 for r in facts.requests if not r["status"])
        lines.append(
            f"- workers SIGKILLed: {len(kills)}, each replaced within "
            f"{max(replaced, default=0):.1f} s; requests left without an answer: {no_answer}"
            + errors_of(kills)
        )
    for event in by_kind.get("kill-applier", []):
        if "error" in event:
            lines.append(f"- applier: not killed ({event['error']})")
            continue
        caught_up = event.get("in_step_after_kill_s")
        lines.append(
            "- applier SIGKILLed in the middle of a 1,000-practice batch, while writing the new "
            f"segment ({event['segment_bytes_written'] / 1e6:.1f} MB written, writer lock held "
            f"{event['writer_held_s']:.0f} s, table of contents not yet replaced); restarted "
            "3 s later, "
            + (
                f"index equal to the database {caught_up:.0f} s after the kill {mark(True)}"
                if caught_up is not None
                else f"index not equal to the database within 240 s {mark(False)}"
            )
        )
    for event in by_kind.get("database-outage", []):
        lines.append(outage_line(event))
    for event in by_kind.get("disk-full", []):
        lines.append(disk_line(event))
    return lines


def errors_of(events: list[dict]) -> str:
    """'; errors: …' for events that failed, or nothing."""
    errors = [e["error"] for e in events if "error" in e]
    return f"; errors: {'; '.join(errors)}" if errors else ""


def outage_line(event: dict) -> str:
    """The database outage, as a sentence."""
    if "skipped" in event:
        return f"- database outage: not applicable ({event['skipped']})"
    if "error" in event:
        return f"- database outage: failed ({event['error']})"
    statuses = ", ".join(f"{count} × {answer}" for answer, count in event["statuses"].items())
    recovered = event.get("recovered_after_s")
    return (
        f"- PostgreSQL stopped for {event['down_s']:.0f} s: probes got {statuses}, "
        f"{event['with_message']} of them with the database message; "
        f"/healthz {event['healthz_while_down']}; "
        + (
            f"pages answered again {recovered:.1f} s after the start, no restart "
            f"(then {event['answers_after_restart']})"
            if recovered is not None
            else "no recovery within 120 s ✗"
        )
    )


def disk_line(event: dict) -> str:
    """The disk-full upload, as a sentence."""
    if "error" in event:
        return f"- disk full: failed ({event['error']})"
    ok = (
        event["status"] == 507
        and event["message_shown"]
        and event["title_kept"]
        and not event["files_left"]
        and not event["rows_added"]
        and event["with_room_again"] == 302
    )
    return (
        f"- disk full ({event['filler_mb']} MB filler on the upload tmpfs): upload answered "
        f"{event['status']}, message shown {mark(event['message_shown'])}, title kept "
        f"{mark(event['title_kept'])}, files left {len(event['files_left'])}, rows added "
        f"{event['rows_added']}; with room again {event['with_room_again']} {mark(ok)}"
    )


def machine() -> str:
    """CPU, Python and SQLite versions, for the record."""
    names = [
        line for line in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in line
    ]
    model = names[0].split(":", 1)[1].strip() if names else platform.processor()
    return (
        f"{os.cpu_count()} × {model}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def report(facts: RunFacts, command: str) -> str:
    """The Markdown of one run."""
    rows = category_rows(facts)
    total = next(row for row in rows if row[0] == "all")
    seconds = facts.minutes * 60
    lines = [
        f"### {'SQLite' if facts.database == 'sqlite' else 'PostgreSQL'}",
        "",
        f"Run on {machine()}, {date.today().isoformat()}"
        + (f", {facts.database_version}" if facts.database_version else "")
        + ".",
        "",
        f"Command: `{command}`",
        "",
        f"{facts.users} users (+2 trainers) for {facts.minutes:g} min: {total[1]:,} requests, "
        f"{total[1] / seconds:.1f} per second.",
        "",
        "| category | requests | failed | 5xx | no answer | p50 ms | p95 ms | p99 ms "
        "| server p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, count, failed, errors, silent, p50, p95, p99, server in rows:
        server_text = f"{server:.0f}" if server is not None else "–"
        lines.append(
            f"| {name} | {count:,} | {failed} | {errors} | {silent} | {p50:.0f} | {p95:.0f} "
            f"| {p99:.0f} | {server_text} |"
        )
    lines += cpu_lines(facts)
    lines += ["", *target_lines(facts, rows), "", *minute_lines(facts)]
    if facts.faults:
        lines += ["", "Faults:", "", *fault_lines(facts)]
    if facts.locust_warnings:
        lines += ["", "Locust warned: " + "; ".join(sorted(set(facts.locust_warnings)))]
    return "\n".join(lines)
