"""Real gunicorn, as deployed: two preloaded workers answer, log JSON lines, then stop cleanly."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg
import pytest

from tests.conftest import POSTGRES_URL, practice_record

ROOT = Path(__file__).resolve().parents[2]
SEARCH = "/search?q=" + quote("Каракол")
START_SECONDS = 60


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database of the test's own: SQLite in tmp_path, or a fresh PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        return
    name = urlsplit(POSTGRES_URL).path.lstrip("/") + "_gunicorn"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield urlsplit(POSTGRES_URL)._replace(path="/" + name).geturl()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def instance_env(tmp_path, database_url):
    """Environment of a production instance in tmp_path, initialised with one practice."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "FLASK_")) and key != "DATABASE_URL"
    }
    env.update(
        PORTAL_SQLALCHEMY_DATABASE_URI=database_url,
        PORTAL_SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
        PORTAL_UPLOAD_DIR=str(tmp_path / "uploads"),
        PORTAL_SECRET_KEY=secrets.token_hex(32),
        PORTAL_LOG_FORMAT="json",
    )
    records = tmp_path / "practices.json"
    records.write_text(json.dumps([practice_record()], ensure_ascii=False), encoding="utf-8")
    for command in (["init"], ["practices", "import", str(records)]):
        flask = [sys.executable, "-m", "flask", "--app", "portal", *command]
        subprocess.run(flask, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    return env


def fetch(port: int, path: str) -> tuple[int, str, str]:
    """GET a page: (status, X-Request-ID, body)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": "en"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers["X-Request-ID"], response.read().decode()


def wait_until_serving(process: subprocess.Popen, port: int) -> None:
    """Return once /healthz answers; fail if gunicorn exits or takes too long."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited while starting"
        try:
            if fetch(port, "/healthz")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer /healthz in time")


def access_records(stderr: Path) -> list[dict]:
    """gunicorn's access log records from its stderr, every line of which must be JSON."""
    lines = [line for line in stderr.read_text(encoding="utf-8").split("\n") if line]
    records = [json.loads(line) for line in lines]
    return [record for record in records if record["logger"] == "gunicorn.access"]


def worker_of(record: dict) -> str:
    """The worker pid an access record names."""
    return record["message"].rsplit("worker=", 1)[1]


def serve_requests_until_both_workers_answered(port: int, stderr: Path) -> list[tuple]:
    """Send pages in parallel until the access log names two workers (at most five rounds)."""
    answers = []
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _round in range(5):
            paths = ["/healthz", "/", SEARCH] * 4
            answered = pool.map(partial(fetch, port), paths)
            answers += [(path, *answer) for path, answer in zip(paths, answered, strict=True)]
            time.sleep(0.3)  # access lines are written once the response is sent
            if len({worker_of(record) for record in access_records(stderr)}) >= 2:
                break
    return answers


def test_gunicorn_serves_with_two_preloaded_workers_and_stops_cleanly(tmp_path, instance_env):
    port = free_port()
    env = instance_env | {"PORTAL_BIND": f"127.0.0.1:{port}", "PORTAL_WORKERS": "2"}
    stdout, stderr = tmp_path / "gunicorn.out", tmp_path / "gunicorn.err"
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi:app"]
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    try:
        wait_until_serving(process, port)
        answers = serve_requests_until_both_workers_answered(port, stderr)
        reset = fetch(port, "/account/reset/secret-token-123")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert {status for _path, status, _id, _body in answers} == {200}
    assert all("Каракол" in body for path, _status, _id, body in answers if path == SEARCH)
    records = access_records(stderr)
    assert len({worker_of(record) for record in records}) == 2
    logged_ids = {record["message"].split("request_id=")[1].split()[0] for record in records}
    assert {request_id for _path, _status, request_id, _body in answers} <= logged_ids
    assert all(record["request_id"] in record["message"] for record in records)
    assert {record["status"] for record in records} <= {200, 302}
    assert {record["path"] for record in records} >= {"/healthz", "/", "/account/reset/<token>"}
    assert all(isinstance(record["duration_ms"], int) for record in records)
    assert reset[0] == 200 and "secret-token-123" not in stderr.read_text(encoding="utf-8")
    assert "Traceback" not in stderr.read_text(encoding="utf-8")
    assert "Search warmed up in " in stderr.read_text(encoding="utf-8")
    assert "alembic.runtime.plugins" not in stderr.read_text(encoding="utf-8")
    assert stdout.read_text(encoding="utf-8") == ""
    print(stderr.read_text(encoding="utf-8")[:3000], file=sys.__stdout__)
