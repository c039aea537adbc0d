"""Who used the machine's CPU during a load run: gunicorn (master and workers, killed ones
included), this test's PostgreSQL cluster, the search applier, Locust, and everything else
(other work on the machine, which makes every figure of the run pessimistic)."""

import os
import threading
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int, with_children: bool = False) -> float | None:
    """CPU seconds of a process (and of its reaped children); None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after "pid (name)": state is fields[0]
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if with_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: reaped workers
    return ticks / CLOCK_TICKS


def children(pid: int) -> list[int]:
    """A process's children."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def machine_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the machine since boot, all cores together."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def tree_seconds(root: int) -> float | None:
    """CPU seconds of a process, its reaped children and its live children."""
    own = process_seconds(root, with_children=True)
    if own is None:
        return None
    return own + sum(process_seconds(pid) or 0.0 for pid in children(root))


class CpuMeter(threading.Thread):
    """Samples the run's processes every few seconds until stopped; `shares()` sums up.

    `roots` gives, per group, the pids whose CPU counts: single processes (the applier, Locust)
    or roots of process trees (gunicorn's master, PostgreSQL's postmaster), looked up at every
    sample since killed processes come back with new pids."""

    def __init__(self, roots: dict, interval: float = 2.0):
        super().__init__(daemon=True)
        self.roots, self.interval = roots, interval
        self.stopped = threading.Event()
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.machine_first = machine_seconds()
        self.machine_last = self.machine_first
        self.started = self.ended = time.monotonic()
        self.sample()

    def run(self) -> None:
        """Sample until stop() (the last sample is taken then)."""
        while not self.stopped.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        """Take the last sample and stop."""
        self.sample()
        self.stopped.set()

    def sample(self) -> None:
        """Note the CPU seconds of every process tree of the run, and of the machine."""
        for group, find in self.roots.items():
            try:
                pid = find()
                seconds = tree_seconds(pid) if pid else None
            except (OSError, ValueError, IndexError):  # a process between lives
                continue
            if seconds is not None:
                self.first.setdefault((group, pid), seconds)
                self.last[(group, pid)] = seconds
        self.machine_last, self.ended = machine_seconds(), time.monotonic()

    def shares(self) -> dict[str, float]:
        """Cores used on average per group over the sampled time, the machine's, and the rest."""
        elapsed = max(self.ended - self.started, 1e-9)
        cores = dict.fromkeys(self.roots, 0.0)
        for key, seconds in self.last.items():
            cores[key[0]] += (seconds - self.first[key]) / elapsed
        cores["machine"] = (self.machine_last[0] - self.machine_first[0]) / elapsed
        cores["other"] = max(0.0, cores["machine"] - sum(cores[g] for g in self.roots))
        cores["cpus"] = float(os.cpu_count() or 1)
        return cores
