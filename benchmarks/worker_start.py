"""A new web worker's first searches: forked from a cold master, or from one that ran
`portal.search.engine.warm_up` (what gunicorn.conf.py's when_ready does).

Builds a throw-away instance with the demo content, then, for each round, forks a worker from
a fresh master process and times eight searches that share no word with the warm-up list,
twice over (the second pass is the worker's steady state).

Run from the project root after `make setup`:

    .venv/bin/python benchmarks/worker_start.py [--rounds 5] [--practices 1000]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLASK = [sys.executable, "-m", "flask", "--app", "portal"]
#: None of these words is in engine.WARM_UP_QUERIES.
QUERIES = (
    "Ош шаарындагы жарыктандыруу",
    "айыл өкмөттөрүнүн кызматтары",
    "Jalal-Abad waste",
    "благоустройство парков",
    "public hearings budget",
    "Narin",
    "жашыл аймактар",
    "мусорные контейнеры",
)


def build_instance(folder: Path, practices: int) -> dict:
    """The environment of a fresh instance in `folder`: the demo content and `practices`
    generated practices (the load test's generator)."""
    env = os.environ | {
        "PORTAL_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'portal.sqlite3'}",
        "PORTAL_SEARCH_INDEX_DIR": str(folder / "search-index"),
        "PORTAL_UPLOAD_DIR": str(folder / "uploads"),
        "PORTAL_SECRET_KEY": "benchmark-secret-key-that-is-long-enough",
    }
    for command in (["init"], ["demo"]):
        subprocess.run(FLASK + command, env=env, cwd=ROOT, check=True, capture_output=True)
    if practices:
        tasks = [sys.executable, str(ROOT / "benchmarks" / "load" / "portal_tasks.py")]
        populate = ["populate", str(folder / "accounts.json"), "--practices", str(practices)]
        for command in (tasks + populate + ["--learners", "0"], FLASK + ["search", "rebuild"]):
            subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    return env


def one_round(warm: bool) -> tuple[float, ...]:
    """In this process (a fresh master): a forked worker's first pass ms, slowest first search
    ms and second pass ms, then the master's warm-up ms and resident memory growth in MB."""
    from portal import create_app, reset_after_fork
    from portal.search import engine

    app = create_app()
    memory, started = resident_mb(), time.perf_counter()
    if warm:
        engine.warm_up(app)
    master = ((time.perf_counter() - started) * 1000, resident_mb() - memory)
    reader, writer = os.pipe()
    if os.fork() == 0:
        reset_after_fork(app)
        with app.test_request_context("/search"):
            first = [timed(engine, text) for text in QUERIES]
            second = [timed(engine, text) for text in QUERIES]
        answer = (sum(first), max(first), sum(second), *master)
        os.write(writer, " ".join(map(str, answer)).encode())
        os._exit(0)
    os.close(writer)
    answer = os.read(reader, 200).decode().split()
    os.wait()
    return tuple(float(value) for value in answer)


def resident_mb() -> float:
    """This process's resident memory now."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(engine, text: str) -> float:
    started = time.perf_counter()
    engine.search(engine.SearchRequest(text=text))
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--practices", type=int, default=0, help="generated practices to add")
    parser.add_argument("--round", choices=("cold", "warm"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.round:
        print(*one_round(arguments.round == "warm"))
        return
    with tempfile.TemporaryDirectory(prefix="worker-start-") as folder:
        env = build_instance(Path(folder), arguments.practices)
        for mode in ("cold", "warm"):
            rounds = [measure(env, mode) for _ in range(arguments.rounds)]
            columns = zip(*rounds, strict=True)
            first, slowest, second, warming, grown = map(statistics.median, columns)
            print(
                f"{mode} master: first 8 searches {first:.0f} ms (slowest {slowest:.0f} ms), "
                f"next 8 {second:.0f} ms; master warm-up {warming:.0f} ms, +{grown:.1f} MB "
                f"— medians of {arguments.rounds} rounds"
            )


def measure(env: dict, mode: str) -> tuple[float, ...]:
    """One round in a fresh interpreter, as a newly started server would be."""
    command = [sys.executable, __file__, "--round", mode]
    output = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    return tuple(float(value) for value in output.stdout.split())


if __name__ == "__main__":
    main()
