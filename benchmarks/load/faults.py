"""Faults run.py --faults injects while the simulated users work, each noted in faults.jsonl:

- kill-worker: SIGKILL one gunicorn worker (the master starts another);
- kill-applier: queue every practice for reindexing, wait until `flask search apply --follow`
  holds the index's writer lock and is writing the new segment (its files grow, the table of
  contents is not written yet), SIGKILL it there, and start it again as a supervisor would;
- database-outage: stop this test's PostgreSQL cluster for 10 s while probing pages (they must
  answer 503 with the database message), start it and time the recovery (no portal restart);
- disk-full (in disk_full.py): fill the upload tmpfs, upload a file as a trainer (507, the
  message, the title kept, no file and no row left), free the space and upload again.
"""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from babel.support import Translations

from instance import BIN, ROOT, WORKERS, Instance, set_cluster_running, start_applier

HERE = Path(__file__).resolve().parent
DATABASE_MESSAGE = "The database cannot be reached right now. Please try again in a minute."
OUTAGE_SECONDS = 10
PROBE_PAGES = ("/practices/", "/courses/", "/")


class FaultLog:
    """The faults of one run, as they happen (faults.jsonl) and in memory."""

    def __init__(self, path: Path):
        self.path = path
        self.events: list[dict] = []
        self.lock = threading.Lock()

    def note(self, kind: str, **details) -> dict:
        """Record one fault and what came of it."""
        event = {"kind": kind, "at": round(time.time(), 3), **details}
        with self.lock:
            self.events.append(event)
            with open(self.path, "a") as output:
                output.write(json.dumps(event, ensure_ascii=False) + "\n")
        print(f"[fault] {json.dumps(event, ensure_ascii=False)}", flush=True)
        return event


def translated(message: str) -> set[str]:
    """`message` in every interface language (the page shows the user's)."""
    directory = ROOT / "translations"
    return {message} | {
        Translations.load(str(directory), [language]).gettext(message)
        for language in ("ky", "ru", "en")
    }


def visitor_session(address: str) -> requests.Session:
    """A client of its own, seen by the portal as coming from `address` through the proxy."""
    session = requests.Session()
    session.headers.update({"X-Forwarded-For": address, "Accept-Language": "en"})
    return session


# Killed workers


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn master's children (its workers)."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in children.split()]


def kill_worker(instance: Instance, log: FaultLog) -> None:
    """SIGKILL a random worker and wait until the master has replaced it."""
    master = instance.processes["server"].pid
    workers = worker_pids(master)
    if not workers:
        log.note("kill-worker", error="no workers found")
        return
    victim = random.choice(workers)
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    while time.monotonic() - killed < 30:
        now = worker_pids(master)
        if victim not in now and len(now) >= WORKERS:
            log.note(
                "kill-worker", pid=victim, replaced_after_s=round(time.monotonic() - killed, 2)
            )
            return
        time.sleep(0.1)
    log.note("kill-worker", pid=victim, error="not replaced within 30 s")


def kill_workers_every(instance: Instance, log: FaultLog, start: float, stop: threading.Event):
    """Kill a worker 30 s into the run, then once a minute until `stop` is set."""
    deadline = start + 30
    while not stop.wait(max(0.0, deadline - time.time())):
        kill_worker(instance, log)
        deadline += 60


# The applier killed in the middle of its commit


def lock_holder(lock_file: Path) -> int | None:
    """The pid holding a flock() on `lock_file` (Whoosh's writer lock), from /proc/locks."""
    try:
        inode = os.stat(lock_file).st_ino
    except OSError:
        return None
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[5].rsplit(":", 1)[-1] == str(inode):
            return int(fields[4])
    return None


def index_files(directory: Path) -> tuple[int, list[str]]:
    """Bytes in files of a segment being written, and the tables of contents present."""
    written, tocs = 0, []
    for path in directory.iterdir():
        name = path.name
        if name.endswith(".toc"):
            tocs.append(name)
        elif not name.endswith(".seg") and not name.endswith("WRITELOCK"):
            try:
                written += path.stat().st_size
            except OSError:
                pass  # removed between listing and stat
    return written, sorted(tocs)


def wait_for_commit(instance: Instance, pid: int, timeout: float = 240) -> dict | None:
    """Wait until process `pid` holds the writer lock and writes the new segment (at least
    twice seen growing, table of contents unchanged); None if it never does."""
    lock_file = instance.index_dir / "MAIN_WRITELOCK"
    deadline = time.monotonic() + timeout
    held_since, previous, growth = None, 0, 0
    while time.monotonic() < deadline:
        if lock_holder(lock_file) != pid:
            if held_since is not None:
                return None  # it finished (or lost the lock) before we saw the commit
            time.sleep(0.02)
            continue
        if held_since is None:
            held_since, (_bytes, tocs_before) = time.monotonic(), index_files(instance.index_dir)
        written, tocs = index_files(instance.index_dir)
        growth = growth + 1 if written > previous else growth
        previous = written
        if growth >= 2 and tocs == tocs_before:
            held = time.monotonic() - held_since
            return {"segment_bytes_written": written, "writer_held_s": round(held, 2), "toc": tocs}
        time.sleep(0.01)
    return None


def queue_every_practice(instance: Instance) -> None:
    """Queue all practices for reindexing (a bulk import), so the applier has a long batch."""
    tasks = [sys.executable, str(HERE / "portal_tasks.py"), "touch-practices"]
    instance.run_logged(tasks, instance.workdir / "faults.log")


def kill_applier_mid_commit(instance: Instance, log: FaultLog, attempts: int = 3) -> None:
    """SIGKILL the applier while it writes a big batch into the index, then restart it."""
    for attempt in range(1, attempts + 1):
        applier = instance.processes["applier"]
        queue_every_practice(instance)
        seen = wait_for_commit(instance, applier.pid)
        if seen is None:
            continue  # a worker took the batch; queue another
        applier.send_signal(signal.SIGKILL)
        applier.wait()
        killed = time.monotonic()
        time.sleep(3)  # as systemd's RestartSec would
        start_applier(instance)
        in_step = seconds_until_in_step(instance, limit=240)
        log.note(
            "kill-applier",
            pid=applier.pid,
            attempt=attempt,
            in_step_after_kill_s=round(time.monotonic() - killed, 1) if in_step else None,
            **seen,
        )
        return
    log.note("kill-applier", error=f"the applier never held the writer in {attempts} batches")


def seconds_until_in_step(instance: Instance, limit: float) -> bool:
    """Poll `flask search status` every few seconds until the index equals the database."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        status = subprocess.run(
            [str(BIN / "flask"), "search", "status"],
            env=instance.environment(), cwd=ROOT, capture_output=True, check=False,
        )  # fmt: skip
        if status.returncode == 0:
            return True
        time.sleep(3)
    return False


# PostgreSQL stopped for 10 s


def probe_page(session: requests.Session, base_url: str, path: str) -> tuple[int, bool]:
    """(status, whether the database message is on the page) of one GET; status 0: no answer."""
    try:
        response = session.get(base_url + path, timeout=15)
    except requests.RequestException:
        return 0, False
    return response.status_code, any(m in response.text for m in translated(DATABASE_MESSAGE))


def database_outage(instance: Instance, log: FaultLog) -> None:
    """Stop PostgreSQL for OUTAGE_SECONDS, probing pages, then time the recovery."""
    if instance.database != "postgresql":
        log.note("database-outage", skipped="SQLite is a file in the portal's own process")
        return
    session = visitor_session("10.254.0.1")
    stopping = time.time()
    set_cluster_running(False)
    stopped = time.time()
    answers = []
    try:
        while time.time() - stopped < OUTAGE_SECONDS:
            path = PROBE_PAGES[len(answers) % len(PROBE_PAGES)]
            answers.append((path, *probe_page(session, instance.base_url, path)))
            time.sleep(0.5)
        health, _ = probe_page(session, instance.base_url, "/healthz")
    finally:
        set_cluster_running(True)
    started = time.time()
    recovered_after, in_a_row, after = None, 0, []
    while time.time() - started < 120 and in_a_row < 20:
        status, _ = probe_page(session, instance.base_url, PROBE_PAGES[in_a_row % 3])
        after.append(status)
        in_a_row = in_a_row + 1 if status == 200 else 0
        if in_a_row == 1:
            recovered_after = round(time.time() - started, 2)
        time.sleep(0.2)
    statuses = Counter(f"{path} {status}" for path, status, _ in answers)
    log.note(
        "database-outage",
        stopping_at=round(stopping, 3),
        stopped_at=round(stopped, 3),
        started_at=round(started, 3),
        down_s=round(started - stopped, 1),
        probes=len(answers),
        statuses=dict(sorted(statuses.items())),
        with_message=sum(1 for _, status, shown in answers if status == 503 and shown),
        healthz_while_down=health,
        recovered_after_s=recovered_after if in_a_row >= 20 else None,
        answers_after_restart=dict(Counter(str(status) for status in after)),
    )
