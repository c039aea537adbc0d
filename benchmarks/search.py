"""Search benchmark: a generated library of practices, indexed by Whoosh and by SQLite FTS5.

For every size (default 1k, 10k and 50k practices) a fresh database is filled with generated
practices whose texts come from word Markov chains over the demo library, the relevance corpus
and FACTS.md. The benchmark times `engine.rebuild()`, measures the index, then runs a fixed
query mix through `engine.search()` (facets, grouping and highlighted snippets for the first
page) and, interleaved, the same queries through SQLite FTS5 over the same documents.

Each size runs in a process of its own, so word-analysis caches start cold and the peak RSS
belongs to that size. Usage: `python benchmarks/search.py --help`.
"""

import argparse
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from search_corpus import CorpusGenerator, insert_corpus, progress, reference_ids
from search_fts import build_fts, fts_query
from search_report import README, report, write_readme

#: (category, query text, filters). About 30 % use facet filters or sort by date.
QUERIES = (
    ("single", "таштанды", {}),
    ("single", "мусор", {}),
    ("single", "lighting", {}),
    ("single", "бюджет", {}),
    ("single", "семинар", {}),
    ("single", "водоснабжение", {}),
    ("single", "pasture", {}),
    ("inflected", "Караколдо", {}),
    ("inflected", "таштандыларды", {}),
    ("inflected", "муниципалитеттеринин", {}),
    ("inflected", "айыл өкмөтүнүн", {}),
    ("inflected", "депутаттардын", {}),
    ("inflected", "в Караколе", {}),
    ("inflected", "бюджетных слушаний", {}),
    ("inflected", "частному предприятию", {}),
    ("phrase", '"жарандык бюджет"', {}),
    ("phrase", '"уличное освещение"', {}),
    ("phrase", '"joint action plan"', {}),
    ("phrase", '"айыл өкмөтү"', {}),
    ("typo", "освещенеие", {}),
    ("typo", "таштадны", {}),
    ("typo", "семенар", {}),
    ("typo", "bugdet", {}),
    ("folded", "коче жарыгы", {}),
    ("folded", "окмотунун", {}),
    ("folded", "жергиликтуу оз алдынча башкаруу", {}),
    ("latin", "Karakol", {}),
    ("latin", "Helvetas", {}),
    ("latin", "Jalal-Abad", {}),
    ("latin", "Dzhalal-Abad", {}),
    ("latin", "Issyk-Kul", {}),
    ("latin", "Naryn", {}),
    ("multi", "таштанды чогултуу жеке компания", {}),
    ("multi", "вывоз мусора частная компания", {}),
    ("multi", "online citizen budget Naryn", {}),
    ("multi", "Балыкчы көчө жарыгы жеке ишкана", {}),
    ("multi", "совместный план действий айыл окмоту", {}),
    ("facets", "бюджет", {"region": "naryn"}),
    ("facets", "мусор", {"topic": "waste-management"}),
    ("facets", "таштанды", {"language": "ky"}),
    ("facets", "семинар", {"year": 2020}),
    ("facets", "water", {"sort": "date"}),
    ("facets", "Караколдо", {"region": "issyk-kul", "sort": "date"}),
    ("facets", "жарандык бюджет", {"topic": "citizen-budget"}),
    ("facets", "освещение", {"region": "chui", "year": 2021}),
    ("facets", "айыл өкмөтү", {"sort": "date"}),
    ("facets", "private sector", {"language": "en"}),
    ("facets", "Jalal-Abad", {"topic": "private-sector"}),
    ("facets", "питьевая вода", {"region": "osh"}),
    ("facets", "коче жарыгы", {"topic": "street-lighting", "language": "ky"}),
    ("facets", "бюджетные слушания", {"year": 2024, "sort": "date"}),
)
CATEGORIES = ("single", "inflected", "phrase", "typo", "folded", "latin", "multi", "facets")


# --- Whoosh -------------------------------------------------------------------------------


def make_app(directory: Path):
    """A portal app on a fresh SQLite database and index inside `directory`."""
    from portal import create_app
    from portal.extensions import db
    from portal.reference_data import load_reference_data

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite3",
            "SEARCH_INDEX_DIR": f"{directory}/index",
            "UPLOAD_DIR": f"{directory}/uploads",
            "RATELIMIT_ENABLED": False,
            "SEARCH_LOG_QUERIES": False,
            "SEARCH_APPLY_AFTER_REQUEST": False,
        }
    )
    with app.app_context():
        db.create_all()
        load_reference_data()
    return app


def directory_bytes(path: Path) -> int:
    """Total size of the files under `path`."""
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def build_whoosh(app) -> dict:
    """Rebuild the Whoosh index from the database, timed."""
    from portal.search import engine

    with app.app_context():
        started = time.perf_counter()
        documents = engine.rebuild()
        seconds = time.perf_counter() - started
    index_bytes = directory_bytes(Path(app.config["SEARCH_INDEX_DIR"]))
    return {"build_s": seconds, "indexed": documents, "index_bytes": index_bytes}


def whoosh_query(text: str, filters: dict) -> tuple[float, int]:
    """(milliseconds, entities found) of one search through the portal's engine."""
    from portal.search import engine
    from portal.search.results import SearchRequest

    request = SearchRequest(text=text, per_page=10, **filters)
    started = time.perf_counter()
    results = engine.search(request)
    return (time.perf_counter() - started) * 1000, results.total


# --- Running one size ---------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of `values`."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def run_queries(app, fts_path: Path, timed: int) -> list[dict]:
    """Warm every query up once on both engines, then time `timed` queries, interleaved."""
    connection = sqlite3.connect(fts_path)
    found = []
    with app.test_request_context():
        for category, text, filters in QUERIES:
            whoosh_first, whoosh_total = whoosh_query(text, filters)
            fts_total = fts_query(connection, text, filters)[1]
            found.append(
                {
                    "category": category,
                    "text": text,
                    "filters": filters,
                    "whoosh_first_ms": whoosh_first,
                    "whoosh_total": whoosh_total,
                    "fts_total": fts_total,
                    "whoosh_ms": [],
                    "fts_ms": [],
                }
            )
        for number in range(timed):
            entry = found[number % len(QUERIES)]
            entry["whoosh_ms"].append(whoosh_query(entry["text"], entry["filters"])[0])
            entry["fts_ms"].append(fts_query(connection, entry["text"], entry["filters"])[0])
    connection.close()
    return found


def latency_summary(queries: list[dict], key: str) -> dict:
    """p50/p95 over all timed runs and p95 per category, for one engine's timings."""
    every = [ms for entry in queries for ms in entry[key]]
    categories = {}
    for category in CATEGORIES:
        times = [ms for entry in queries if entry["category"] == category for ms in entry[key]]
        if times:
            categories[category] = percentile(times, 0.95)
    return {"p50": percentile(every, 0.5), "p95": percentile(every, 0.95), "by": categories}


def run_size(size: int, seed: int, timed: int, directory: Path) -> dict:
    """Generate, insert, index and query one library size; return every measurement."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    app = make_app(directory)
    with app.app_context():
        started = time.perf_counter()
        generator = CorpusGenerator(seed, reference_ids())
        documents = insert_corpus(generator, size)
        generate_s = time.perf_counter() - started
    progress(f"generated and inserted in {generate_s:.1f} s; building the Whoosh index")
    result = {"size": size, "documents": documents, "generate_s": generate_s}
    result |= build_whoosh(app)
    progress(f"Whoosh index built in {result['build_s']:.1f} s; building FTS5")
    result |= build_fts(app, directory / "fts.sqlite3")
    progress(f"FTS5 built in {result['fts_build_s']:.1f} s; running {timed} queries")
    queries = run_queries(app, directory / "fts.sqlite3", timed)
    result["queries"] = queries
    result["whoosh"] = latency_summary(queries, "whoosh_ms")
    result["fts"] = latency_summary(queries, "fts_ms")
    result["whoosh"]["empty"] = sum(1 for entry in queries if not entry["whoosh_total"])
    # The first run of each query, with the index's caches cold for its words.
    result["whoosh"]["first_p95"] = percentile([e["whoosh_first_ms"] for e in queries], 0.95)
    result["fts"]["empty"] = sum(1 for entry in queries if not entry["fts_total"])
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# --- Command line -------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="practices per run")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per size")
    default_workdir = Path(tempfile.gettempdir()) / "portal-search-benchmark"
    parser.add_argument("--workdir", type=Path, default=default_workdir)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write-readme", action="store_true", help="update benchmarks/README.md")
    parser.add_argument("--readme", type=Path, default=README, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep databases and indexes")
    parser.add_argument("--single", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.queries < len(QUERIES):
        parser.error(f"--queries must be at least {len(QUERIES)}: every query is timed")
    return args


def run_child(args: argparse.Namespace) -> None:
    """Run one size in this process and save its measurements as JSON."""
    directory = args.workdir / f"size-{args.single}"
    result = run_size(args.single, args.seed, args.queries, directory)
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)
    output = args.workdir / f"result-{args.single}.json"
    output.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


def run_sizes(args: argparse.Namespace, sizes: list[int]) -> list[dict]:
    """Run every size in a fresh process; return their measurements."""
    results = []
    for size in sizes:
        print(f"== {size:,} practices", file=sys.stderr, flush=True)
        command = [sys.executable, __file__, "--single", str(size), "--workdir", str(args.workdir)]
        command += ["--seed", str(args.seed), "--queries", str(args.queries)]
        subprocess.run(command + (["--keep"] if args.keep else []), check=True)
        output = args.workdir / f"result-{size}.json"
        results.append(json.loads(output.read_text("utf-8")))
    return results


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print (and optionally save) the results."""
    args = parse_args(argv)
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.single:
        run_child(args)
        return
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    results = run_sizes(args, sizes)
    command = "python benchmarks/search.py " + " ".join(sys.argv[1:] if argv is None else argv)
    section = report(results, command.strip(), len(QUERIES), CATEGORIES)
    print(section)
    if args.write_readme:
        write_readme(args.readme, section, len(QUERIES))
        print(f"\nWrote {args.readme}", file=sys.stderr)


if __name__ == "__main__":
    main()
