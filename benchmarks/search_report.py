"""Search benchmark reporting: Markdown tables, the targets and the README section."""

import os
import platform
import re
import sqlite3
import statistics
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"
MARK_START = "<!-- search-benchmark:start -->"
MARK_END = "<!-- search-benchmark:end -->"


def main_table(results: list[dict], query_count: int) -> str:
    """The Markdown table of build and latency figures, one row per size."""
    lines = [
        "| practices | documents | build s | practices/s | documents/s | index MB "
        "| Whoosh p50 / p95 ms | Whoosh first-run p95 ms | FTS5 build s | FTS5 MB "
        "| FTS5 p50 / p95 ms | empty (Whoosh / FTS5) | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['documents']:,} | {r['build_s']:.1f} "
            f"| {r['size'] / r['build_s']:.0f} | {r['documents'] / r['build_s']:.0f} "
            f"| {r['index_bytes'] / 2**20:.1f} "
            f"| {r['whoosh']['p50']:.1f} / {r['whoosh']['p95']:.1f} "
            f"| {r['whoosh']['first_p95']:.1f} | {r['fts_build_s']:.1f} "
            f"| {r['fts_bytes'] / 2**20:.1f} | {r['fts']['p50']:.1f} / {r['fts']['p95']:.1f} "
            f"| {r['whoosh']['empty']} / {r['fts']['empty']} of {query_count} "
            f"| {r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def category_table(results: list[dict], categories: tuple[str, ...]) -> str:
    """p95 per query category, Whoosh / FTS5, one row per size."""
    header = "| practices | " + " | ".join(categories) + " |"
    lines = [header, "|---:|" + "---:|" * len(categories)]
    for r in results:
        cells = [
            f"{r['whoosh']['by'].get(c, 0):.0f} / {r['fts']['by'].get(c, 0):.0f}"
            for c in categories
        ]
        lines.append(f"| {r['size']:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe(entry: dict) -> str:
    """A query with its filters, for tables."""
    filters = ", ".join(f"{name}={value}" for name, value in entry["filters"].items())
    text = entry["text"].replace("|", "\\|")
    return f"`{text}`" + (f" ({filters})" if filters else "")


def slowest_table(result: dict, count: int = 5) -> str:
    """The queries with the highest median Whoosh time at one size."""
    ranked = sorted(result["queries"], key=lambda e: -statistics.median(e["whoosh_ms"]))
    lines = [
        "| query | category | Whoosh median / max ms | FTS5 median ms | found (Whoosh / FTS5) |",
        "|---|---|---:|---:|---:|",
    ]
    for entry in ranked[:count]:
        lines.append(
            f"| {describe(entry)} | {entry['category']} "
            f"| {statistics.median(entry['whoosh_ms']):.1f} / {max(entry['whoosh_ms']):.1f} "
            f"| {statistics.median(entry['fts_ms']):.1f} "
            f"| {entry['whoosh_total']:,} / {entry['fts_total']:,} |"
        )
    return "\n".join(lines)


def report(results: list[dict], command: str, query_count: int, categories: tuple[str, ...]) -> str:
    """Every table of a run, as Markdown."""
    largest = max(results, key=lambda r: r["size"])
    return "\n\n".join(
        [
            f"Run on {machine()}.\n\nCommand: `{command}`",
            main_table(results, query_count),
            "p95 latency in ms by query category (Whoosh / FTS5):",
            category_table(results, categories),
            f"Slowest queries at {largest['size']:,} practices (Whoosh median over its runs):",
            slowest_table(largest),
            targets(results),
        ]
    )


def targets(results: list[dict]) -> str:
    """The targets of the issue, checked against this run."""
    limits = {10_000: 50, 50_000: 150}
    lines = ["Targets: build ≥ 300 practices/s; p95 ≤ 50 ms at 10k, ≤ 150 ms at 50k."]
    for r in results:
        rate = r["size"] / r["build_s"]
        verdict = f"- {r['size']:,}: build {rate:.0f}/s {'✓' if rate >= 300 else '✗'}"
        if r["size"] in limits:
            ok = r["whoosh"]["p95"] <= limits[r["size"]]
            verdict += f", p95 {r['whoosh']['p95']:.0f} ms {'✓' if ok else '✗'}"
        lines.append(verdict)
    return "\n".join(lines)


def machine() -> str:
    """CPU count and model, Python, Whoosh and SQLite versions, and today's date."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} × {model}, Python {platform.python_version()}, "
        f"whoosh-reloaded {version('whoosh-reloaded')}, SQLite {sqlite3.sqlite_version}, "
        f"{datetime.now(UTC).date().isoformat()}"
    )


def readme_intro(query_count: int) -> str:
    """The README to start from when there is none yet."""
    return f"""# Benchmarks

## Search (`search.py`)

`search.py` generates a library of practices (1k, 10k and 50k by default) whose Kyrgyz,
Russian and English texts are word Markov chains over the demo library, the relevance corpus
and FACTS.md, with regions, districts, topics, years and languages distributed like the real
library (40 % ky+ru, 25 % ky, 20 % ru, 15 % ky+ru+en; about 300 words per language). It
inserts them with bulk INSERTs, then measures:

- `engine.rebuild()`: seconds, practices and documents (translations) per second, index size;
- a fixed mix of {query_count} queries (single words, Kyrgyz and Russian inflections, quoted
  phrases, typos, Kyrgyz typed without ө ү ң, Latin spellings, longer queries, and about 30 %
  with facet filters or sorting by date), each run once to warm up and then cycled for the
  timed runs; every call is `engine.search()` with facets, grouping per practice and
  highlighted snippets for the first page of ten;
- as a speed reference, SQLite FTS5 over the same documents in the same run (words OR-ed,
  `bm25` ranking, `snippet()`, facet counts with GROUP BY). FTS5 has no stemming, no
  transliteration and no typo correction: its "empty" count shows what that costs;
- the peak RSS of the process that ran the size (each size runs in a process of its own).

Rerun with `make setup` done, from the project root:

    .venv/bin/python benchmarks/search.py --write-readme

Options: `--sizes 1000,10000`, `--queries 200` (timed queries per size), `--seed 1`,
`--workdir DIR` (scratch space, about 1.5 GB at 50k), `--keep` (keep databases and indexes).
The section below is replaced on every `--write-readme` run.

{MARK_START}
{MARK_END}
"""


def write_readme(path: Path, section: str, query_count: int) -> None:
    """Replace the benchmark section of the README (creating the README if needed)."""
    text = path.read_text("utf-8") if path.exists() else readme_intro(query_count)
    if MARK_START not in text:
        text = text.rstrip("\n") + f"\n\n{MARK_START}\n{MARK_END}\n"
    head, rest = text.split(MARK_START, 1)
    tail = rest.split(MARK_END, 1)[1] if MARK_END in rest else "\n"
    path.write_text(f"{head}{MARK_START}\n{section}\n{MARK_END}{tail}", "utf-8")
