"""The "Load and faults" section of benchmarks/README.md: its prose (written once, then kept
as edited) and each database's latest run between markers."""

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
MARK_START, MARK_END = "<!-- load:start -->", "<!-- load:end -->"
DATABASES = ("sqlite", "postgresql")
INTRO = """## Load and faults (`load/run.py`)

`load/run.py` builds a throw-away portal (`load/instance.py`: the demo content, 1,000 generated
practices, 2,000 learner accounts, 100 of which have finished the demo courses so that
certificates exist), serves it with gunicorn and `gunicorn.conf.py` (4 sync workers,
`PORTAL_WORKERS=4`) on loopback beside `flask search apply --follow` (deploy/ runs `flask
search apply` from a timer every minute instead; the follower applies the same rows every 2 s),
and runs Locust headless (`load/locustfile.py`). Of the 50 simulated users 80 % are anonymous
visitors who open the home page, browse the library with filters, open practices, search with
the search benchmark's query mix, open courses and verify certificates; 20 % are learners who
log in, enrol, read lessons, mark them complete and take the quizzes through the real forms (a
hurried attempt, then the answers the feedback showed). Two trainers on top edit, write and
publish practices, so the search changelog gets production traffic. Every user waits 1–5 s
between steps, comes from an address of its own behind the proxy and speaks ky, ru or en.

With `--faults`, during the load it also:

- SIGKILLs a random gunicorn worker 30 s in, then every minute;
- queues every practice for reindexing (a bulk import) and SIGKILLs the applier while it holds
  the index's writer lock and writes the new segment, before the table of contents is
  replaced; a supervisor's restart follows 3 s later;
- stops this test's own PostgreSQL cluster (`loadtest` on port 5433, created on first use with
  `pg_createcluster`; the server on 5432 is never touched) for 10 s while probing pages, starts
  it again and times the recovery, without restarting anything of the portal;
- fills the upload directory (a 16 MB tmpfs) and uploads a file as a trainer, then uploads it
  again with room.

After the load it looks up every enrolment, completion and quiz attempt the server
acknowledged (`load/recording.py`), polls `flask search status` until the index equals the
database, and searches every log for "database is locked". Response times are Locust's, seen by
the client, so they include the wait for a free worker; "server p95" comes from gunicorn's
access log. The CPU line says how many of the machine's cores each part used.

Run as root (tmpfs, the PostgreSQL cluster), from the project root, with `.[load]` installed
(`--users 50 --minutes 5` are the defaults; a run takes about 13 minutes):

    .venv/bin/python benchmarks/load/run.py --database sqlite --faults --write-readme
    .venv/bin/python benchmarks/load/run.py --database postgresql --faults --write-readme

Each run replaces its database's part below. `--keep` keeps the run's directory (logs,
`requests.csv`, Locust's CSV files) and database; `pg_dropcluster 15 loadtest --stop` removes
the cluster (the next run creates it again).
"""


def write_readme(database: str, section: str) -> None:
    """Replace this database's part of the load section of benchmarks/README.md."""
    text = README.read_text("utf-8")
    if MARK_START not in text:
        parts = "\n".join(f"<!-- load:{db}:start -->\n<!-- load:{db}:end -->" for db in DATABASES)
        text = text.rstrip("\n") + f"\n\n{INTRO}\n{MARK_START}\n{parts}\n{MARK_END}\n"
    start, end = f"<!-- load:{database}:start -->", f"<!-- load:{database}:end -->"
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    README.write_text(f"{head}{start}\n{section}\n{end}{tail}", "utf-8")
