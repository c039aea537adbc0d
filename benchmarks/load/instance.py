"""A throw-away portal instance for the load test: its database, data, server and applier.

PostgreSQL runs in a cluster of its own (default port 5433, created on first use), so the load
test can stop and start it without touching the server other work uses on port 5432.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
PG_VERSION_DIR = Path("/etc/postgresql")
PG_CLUSTER = "loadtest"
PG_ROLE = "loadtest"
PG_DATABASE = "load_test"
WORKERS = 4


@dataclass
class Instance:
    """Where one run keeps its files and how its processes reach the database."""

    workdir: Path
    database: str  # sqlite | postgresql
    pg_port: int = 5433
    port: int = 0
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL of this run's database."""
        if self.database == "sqlite":
            return f"sqlite:///{self.workdir / 'portal.sqlite3'}"
        return f"postgresql://{PG_ROLE}@127.0.0.1:{self.pg_port}/{PG_DATABASE}"

    @property
    def upload_dir(self) -> Path:
        """Uploads of this run (a tiny tmpfs in the disk-full fault)."""
        return self.workdir / "uploads"

    @property
    def index_dir(self) -> Path:
        """The search index of this run."""
        return self.workdir / "search-index"

    @property
    def base_url(self) -> str:
        """Where gunicorn listens."""
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """Environment of every portal process of this run."""
        secret_file = self.workdir / "secret-key"
        if not secret_file.exists():
            secret_file.write_text(secrets.token_hex(32))
        return os.environ | {
            "PORTAL_SECRET_KEY": secret_file.read_text(),
            "PORTAL_SQLALCHEMY_DATABASE_URI": self.database_url,
            "PORTAL_SEARCH_INDEX_DIR": str(self.index_dir),
            "PORTAL_UPLOAD_DIR": str(self.upload_dir),
            # Simulated visitors come "through nginx" with addresses of their own, so the
            # per-address rate limits apply per visitor as in production.
            "PORTAL_TRUSTED_PROXIES": "1",
            # No TLS on loopback (nginx ends it in production): cookies must travel over http.
            "PORTAL_SESSION_COOKIE_SECURE": "false",
            "PORTAL_MAIL_BACKEND": "memory",
            "PORTAL_WORKERS": str(WORKERS),  # gunicorn.conf.py reads it
            "FLASK_APP": "portal",
            "PYTHONUNBUFFERED": "1",
        }

    def flask(self, *arguments: str, log: Path | None = None) -> subprocess.CompletedProcess:
        """Run `flask …` for this instance and fail loudly if it fails."""
        return self.run_logged([str(BIN / "flask"), *arguments], log)

    def run_logged(self, command: list[str], log: Path | None = None):
        """Run a command with this instance's environment; its output goes to `log`."""
        log = log or self.workdir / "prepare.log"
        with open(log, "a") as output:
            output.write(f"$ {' '.join(command)}\n")
            output.flush()
            return subprocess.run(
                command, env=self.environment(), cwd=ROOT, stdout=output, stderr=output, check=True
            )


def prepare(instance: Instance, practices: int, learners: int) -> Path:
    """Create the database and fill it; return the accounts file for the simulated users."""
    instance.workdir.mkdir(parents=True, exist_ok=True)
    instance.upload_dir.mkdir(exist_ok=True)
    if instance.database == "postgresql":
        ensure_cluster(instance.pg_port)
        recreate_database(instance.pg_port)
    accounts = instance.workdir / "accounts.json"
    instance.flask("init")
    instance.flask("demo")
    tasks = str(HERE / "portal_tasks.py")
    instance.run_logged(
        [sys.executable, tasks, "populate", str(accounts), "--practices", str(practices)]
        + ["--learners", str(learners)]
    )
    instance.flask("search", "rebuild")
    return accounts


def pg_version() -> str:
    """The installed PostgreSQL major version (the newest)."""
    versions = (
        sorted(PG_VERSION_DIR.iterdir(), key=lambda p: int(p.name))
        if PG_VERSION_DIR.is_dir()
        else []
    )
    if not versions:
        raise SystemExit("PostgreSQL is not installed (no /etc/postgresql)")
    return versions[-1].name


def ensure_cluster(port: int) -> None:
    """Create and start this test's own cluster on `port`, trusting loopback connections."""
    version = pg_version()
    config = PG_VERSION_DIR / version / PG_CLUSTER
    if not config.is_dir():
        subprocess.run(["pg_createcluster", version, PG_CLUSTER, "-p", str(port)], check=True)
    (config / "pg_hba.conf").write_text("local all all peer\nhost all all 127.0.0.1/32 trust\n")
    set_cluster_running(True)
    subprocess.run(["pg_ctlcluster", version, PG_CLUSTER, "reload"], check=True)
    as_postgres(
        port,
        f"DO $$BEGIN CREATE ROLE {PG_ROLE} LOGIN SUPERUSER; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END$$",
    )


def set_cluster_running(running: bool) -> None:
    """Start or stop (fast: clients are disconnected) this test's own cluster."""
    action = ["start"] if running else ["stop", "-m", "fast"]
    subprocess.run(["pg_ctlcluster", pg_version(), PG_CLUSTER, *action], check=False)


def recreate_database(port: int) -> None:
    """A fresh, empty load-test database."""
    as_postgres(port, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    as_postgres(port, f"CREATE DATABASE {PG_DATABASE} OWNER {PG_ROLE}")


def as_postgres(port: int, sql: str) -> None:
    """Run one SQL statement as the postgres superuser of this test's cluster."""
    command = ["runuser", "-u", "postgres", "--", "psql", "-p", str(port), "-qAtc", sql]
    subprocess.run(command, check=True, cwd="/tmp", stdout=subprocess.DEVNULL)


def free_port() -> int:
    """A TCP port on loopback nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(instance: Instance) -> list[str]:
    """gunicorn with 4 workers, using the repository's configuration when there is one."""
    command = [str(BIN / "gunicorn")]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["--config", str(ROOT / "gunicorn.conf.py")]
    else:
        command += ["--no-control-socket"]
    app = "portal.wsgi:app" if (ROOT / "portal" / "wsgi.py").exists() else "portal:create_app()"
    return command + [
        "--workers", str(WORKERS),
        "--bind", f"127.0.0.1:{instance.port}",
        "--access-logfile", str(instance.workdir / "access.log"),
        app,
    ]  # fmt: skip


def start_server(instance: Instance) -> subprocess.Popen:
    """Start gunicorn on a free loopback port and wait until it answers."""
    instance.port = free_port()
    server = start(instance, "server", server_command(instance))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {instance.workdir / 'server.log'}")
        try:
            with urllib.request.urlopen(instance.base_url + "/", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s")


def start_applier(instance: Instance) -> subprocess.Popen:
    """`flask search apply --follow` beside the server (appends to applier.log), as the
    README's second service runs it."""
    command = [str(BIN / "flask"), "search", "apply", "--follow", "--interval", "2"]
    return start(instance, "applier", command)


def mount_tmpfs(directory: Path, megabytes: int) -> None:
    """Mount a small RAM file system on `directory` (root only), so it can really fill up."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0755", "tmpfs", str(directory)],
        check=True,
    )


def unmount(directory: Path) -> None:
    """Unmount what mount_tmpfs mounted (its files go with it)."""
    if os.path.ismount(directory):
        subprocess.run(["umount", str(directory)], check=False)


def start(instance: Instance, name: str, command: list[str]) -> subprocess.Popen:
    """Start a long-running process of this run; its output goes to <name>.log."""
    log = open(instance.workdir / f"{name}.log", "a")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen(
        command, env=instance.environment(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    instance.processes[name] = process
    return process


def stop(instance: Instance, name: str, timeout: float = 30) -> None:
    """Stop a process of this run gently, then by force."""
    process = instance.processes.pop(name, None)
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def clean(instance: Instance) -> None:
    """Remove the run's database and files (PostgreSQL: drop the database)."""
    if instance.database == "postgresql":
        as_postgres(instance.pg_port, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    shutil.rmtree(instance.workdir, ignore_errors=True)
