"""A load run against gunicorn on loopback, with faults if asked, in one command (as root):

    .venv/bin/python benchmarks/load/run.py --database sqlite|postgresql --users 50 --minutes 5 \\
        [--faults] [--write-readme]

It builds a throw-away instance (instance.py; PostgreSQL in a cluster of its own, `loadtest` on
port 5433, created on first use with `pg_createcluster <version> loadtest -p 5433`, trusting
loopback, role and database `loadtest`/`load_test`), starts gunicorn with gunicorn.conf.py and
4 workers, and `flask search apply --follow` beside it, runs Locust headless (locustfile.py;
--users visitors and learners, 80/20, plus 2 trainers), injects the faults of faults.py with
--faults, then checks every acknowledged progress record, waits for `flask search status` to
report the index equal to the database, and searches the logs for "database is locked".
The figures are printed as Markdown (summary.py) and, with --write-readme, replace this
database's part of the "Load and faults" section of benchmarks/README.md.

Afterwards every process it started is stopped, the tmpfs unmounted, the run's database dropped
and its directory removed (unless --keep) and the PostgreSQL cluster stopped (not dropped:
`pg_dropcluster 15 loadtest --stop` removes it).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import faults  # noqa: E402
import readme  # noqa: E402
import summary  # noqa: E402
from cpu import CpuMeter  # noqa: E402
from disk_full import disk_full  # noqa: E402

from instance import (  # noqa: E402
    BIN,
    HERE,
    PG_CLUSTER,
    PG_DATABASE,
    ROOT,
    Instance,
    clean,
    mount_tmpfs,
    pg_version,
    prepare,
    set_cluster_running,
    start_applier,
    start_server,
    stop,
    unmount,
)

TRAINERS = 2  # locustfile.Trainer.fixed_count, on top of --users
UPLOAD_TMPFS_MB = 16
IN_STEP_WAIT_S = 180


def parse_arguments() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=readme.DATABASES, default="sqlite")
    parser.add_argument("--users", type=int, default=50, help="visitors and learners (80/20)")
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    parser.add_argument("--faults", action="store_true", help="inject the faults of faults.py")
    parser.add_argument("--practices", type=int, default=1000)
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--pg-port", type=int, default=5433)
    parser.add_argument("--workdir", type=Path, help="the run's files (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the run's database and files")
    parser.add_argument("--write-readme", action="store_true")
    return parser.parse_args()


def command_line(args: argparse.Namespace) -> str:
    """The command as the README shows it."""
    words = ["python benchmarks/load/run.py", f"--database {args.database}"]
    words += [f"--users {args.users}", f"--minutes {args.minutes:g}"]
    return " ".join(words + ["--faults"] * args.faults + ["--write-readme"] * args.write_readme)


def start_locust(instance: Instance, args, accounts: Path, run_dir: Path) -> subprocess.Popen:
    """Locust headless, its output in run/locust.log and its CSV files in run/."""
    run_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
        "--users", str(args.users + TRAINERS), "--spawn-rate", str(args.spawn_rate),
        "--run-time", f"{round(args.minutes * 60)}s", "--host", instance.base_url,
        "--csv", str(run_dir / "locust"), "--only-summary",
        "--logfile", str(run_dir / "locust.log"),
    ]  # fmt: skip
    environment = instance.environment() | {
        "LOAD_ACCOUNTS": str(accounts),
        "LOAD_RUN_DIR": str(run_dir),
    }
    output = open(run_dir / "locust.out", "a")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen(
        command, env=environment, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
    )
    instance.processes["locust"] = process
    return process


def run_scheduled(instance, accounts, log: faults.FaultLog, start: float, duration: float, abort):
    """The one-off faults at fixed shares of the run (applier, database, disk), each after
    the one before even if that ran late; `abort` stops them."""
    plan = [
        (0.2, "kill-applier", lambda: faults.kill_applier_mid_commit(instance, log)),
        (0.4, "database-outage", lambda: faults.database_outage(instance, log)),
        (0.6, "disk-full", lambda: disk_full(instance, accounts, log)),
    ]
    for share, name, action in plan:
        if abort.wait(max(0.0, start + share * duration - time.time())):
            return
        try:
            action()
        except Exception as error:  # noqa: BLE001 - note it and go on with the next fault
            log.note(name, error=repr(error))


def cpu_meter(instance: Instance) -> CpuMeter:
    """A meter of the CPU the run's processes use (PostgreSQL: this test's cluster)."""
    processes = instance.processes

    def pid_of(name: str):
        return lambda: processes[name].pid if name in processes else None

    roots = {"gunicorn": pid_of("server"), "applier": pid_of("applier"), "locust": pid_of("locust")}
    if instance.database == "postgresql":
        roots["postgresql"] = postmaster_pid
    return CpuMeter(roots)


def postmaster_pid() -> int | None:
    """The pid of this test's PostgreSQL server, None while it is down."""
    pid_file = Path(f"/var/lib/postgresql/{pg_version()}/{PG_CLUSTER}/postmaster.pid")
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return None


def run_load(instance: Instance, args, accounts_file: Path, run_dir: Path):
    """Run Locust to the end, with the fault threads beside it; return the fault events and
    the CPU shares of the load's time."""
    accounts = json.loads(accounts_file.read_text(encoding="utf-8"))
    log = faults.FaultLog(run_dir / "faults.jsonl")
    locust = start_locust(instance, args, accounts_file, run_dir)
    meter = cpu_meter(instance)
    meter.start()
    started, duration = time.time(), args.minutes * 60
    load_over, abort = threading.Event(), threading.Event()
    threads = []
    if args.faults:
        threads = [
            threading.Thread(
                target=faults.kill_workers_every, args=(instance, log, started, load_over)
            ),
            threading.Thread(
                target=run_scheduled,
                args=(instance, accounts, log, started, duration, abort),
            ),
        ]
    for thread in threads:
        thread.start()
    try:
        locust.wait(timeout=duration + 300)
        meter.stop()
    except BaseException:
        abort.set()
        raise
    finally:
        load_over.set()
        for thread in threads:
            thread.join()
    print(f"Locust exited with {locust.returncode} (1 means some requests failed).")
    return log.events, meter.shares()


def seconds_until_in_step(instance: Instance, limit: float) -> float | None:
    """Poll `flask search status` until the index equals the database; seconds it took."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        result = subprocess.run(
            [str(BIN / "flask"), "search", "status"],
            env=instance.environment(), cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        (instance.workdir / "search-status.log").write_text(result.stdout + result.stderr)
        if result.returncode == 0:
            return time.monotonic() - began
        time.sleep(1)
    return None


def check_records(instance: Instance, acknowledged: Path) -> dict:
    """portal_tasks.py check-records: the acknowledged records the database lacks."""
    if not acknowledged.exists():
        return {"acknowledged": {}, "missing_count": 0}
    command = [sys.executable, str(HERE / "portal_tasks.py"), "check-records", str(acknowledged)]
    result = subprocess.run(
        command, env=instance.environment(), cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def lines_containing(directory: Path, text: str) -> int:
    """How many lines of the run's logs contain `text`."""
    count = 0
    for path in directory.rglob("*.log"):
        with open(path, errors="replace") as log:
            count += sum(1 for line in log if text in line)
    return count


def locust_warnings(run_dir: Path) -> list[str]:
    """Locust's warnings about its own CPU (its times are then inflated)."""
    log = run_dir / "locust.log"
    if not log.exists():
        return []
    return [
        line.split("] ", 1)[-1].strip()
        for line in log.read_text(errors="replace").splitlines()
        if "CPU usage" in line
    ][:3]


def postgres_version(instance: Instance) -> str:
    """'PostgreSQL 15.x' of this test's cluster."""
    command = ["runuser", "-u", "postgres", "--", "psql", "-p", str(instance.pg_port), "-qAtc"]
    result = subprocess.run(
        command + ["SHOW server_version"], capture_output=True, text=True, cwd="/tmp", check=False
    )
    return f"PostgreSQL {result.stdout.strip().split()[0]}" if result.stdout.strip() else ""


def after_the_load(instance: Instance, args, run_dir: Path, events: list[dict], cpu: dict):
    """The checks after the run, gathered with the measurements."""
    in_step = seconds_until_in_step(instance, IN_STEP_WAIT_S)
    print(f"Search index in step after {in_step} s." if in_step is not None else "Not in step!")
    records = check_records(instance, run_dir / "acknowledged.jsonl")
    print(f"Acknowledged records: {json.dumps(records, ensure_ascii=False)[:500]}")
    return summary.RunFacts(
        database=args.database,
        users=args.users,
        minutes=args.minutes,
        faults=args.faults,
        requests=summary.read_requests(run_dir / "requests.csv"),
        fault_events=events,
        records=records,
        in_step_after_s=in_step,
        locked_lines=lines_containing(instance.workdir, "database is locked"),
        server_times=summary.read_access_log(
            [instance.workdir / "access.log", instance.workdir / "server.log"]
        ),
        locust_warnings=locust_warnings(run_dir),
        database_version=postgres_version(instance) if args.database == "postgresql" else "",
        cpu=cpu,
    )


def main() -> None:
    """Prepare, load, break, check, report, clean up."""
    args = parse_arguments()
    if os.geteuid() != 0:
        raise SystemExit("run.py mounts a tmpfs and runs PostgreSQL's cluster tools: run as root")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix=f"portal-load-{args.database}-"))
    instance = Instance(workdir.resolve(), args.database, pg_port=args.pg_port)
    run_dir = instance.workdir / "run"
    print(f"Run directory: {instance.workdir}")
    try:
        if args.faults:
            mount_tmpfs(instance.upload_dir, UPLOAD_TMPFS_MB)
        print("Preparing the instance (a few minutes) …", flush=True)
        accounts = prepare(instance, args.practices, args.learners)
        start_server(instance)
        start_applier(instance)
        print(f"Serving on {instance.base_url}; {args.users} users for {args.minutes:g} min …")
        events, cpu = run_load(instance, args, accounts, run_dir)
        facts = after_the_load(instance, args, run_dir, events, cpu)
    finally:
        for name in ("locust", "applier", "server"):
            stop(instance, name)
        unmount(instance.upload_dir)
    section = summary.report(facts, command_line(args))
    (run_dir / "summary.md").write_text(section + "\n", encoding="utf-8")
    print("\n" + section)
    if args.write_readme:
        readme.write_readme(args.database, section)
        print(f"\nWritten to {readme.README}")
    finish(instance, args)


def finish(instance: Instance, args) -> None:
    """Drop the run's database and files unless --keep; stop the PostgreSQL cluster."""
    if args.keep:
        print(
            f"Kept: {instance.workdir}"
            + (f" and database {PG_DATABASE}" * (args.database == "postgresql"))
        )
    else:
        clean(instance)
    if args.database == "postgresql" and not args.keep:
        set_cluster_running(False)
        print(f"Stopped the PostgreSQL cluster {pg_version()}/{PG_CLUSTER}.")


if __name__ == "__main__":
    main()
