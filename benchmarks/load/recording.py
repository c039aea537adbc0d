"""What the simulated users leave behind: every request, and every record the server accepted.

requests.csv: one line per request (start time, category, name, method, status, milliseconds,
error); status 0 means no answer (connection refused or reset, timeout).
acknowledged.jsonl: one line per enrolment, completion or quiz attempt the server acknowledged
with a 2xx/3xx answer, for portal_tasks.py check-records to find in the database afterwards.
"""

import csv
import json
import os
import time
from pathlib import Path

from locust import events

RUN_DIR = Path(os.environ.get("LOAD_RUN_DIR", "."))
REQUEST_FIELDS = ("started", "category", "name", "method", "status", "ms", "error")


class Recorder:
    """Appends to the run's files, flushing each line so a crash keeps what was written."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self.requests_file = open(directory / "requests.csv", "a", newline="")  # noqa: SIM115
        self.requests = csv.writer(self.requests_file)
        if self.requests_file.tell() == 0:
            self.requests.writerow(REQUEST_FIELDS)
        self.acknowledged = open(directory / "acknowledged.jsonl", "a")  # noqa: SIM115

    def request(self, name, method, status, milliseconds, error, started) -> None:
        """Note one request."""
        category = name.split(":", 1)[0] if ":" in name else "other"
        row = (f"{started:.3f}", category, name, method, status, f"{milliseconds:.1f}", error)
        self.requests.writerow(row)
        self.requests_file.flush()

    def acknowledge(self, kind: str, email: str, **details) -> None:
        """Note a record the server said it stored."""
        line = {"kind": kind, "email": email, "at": round(time.time(), 3), **details}
        self.acknowledged.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.acknowledged.flush()


RECORDER = Recorder(RUN_DIR)


@events.request.add_listener
def record_request(
    request_type, name, response_time, response, exception, start_time=None, **_kwargs
):
    """Locust calls this after every request, failed or not."""
    status = getattr(response, "status_code", 0) or 0
    error = type(exception).__name__ if exception is not None else ""
    started = start_time or time.time()
    RECORDER.request(name, request_type, status, response_time or 0.0, error, started)


def acknowledged(response, login_path: str = "/account/login") -> bool:
    """Whether an answer to a POST acknowledges it: 2xx/3xx, and not a detour to the login."""
    status = getattr(response, "status_code", 0) or 0
    if not 200 <= status < 400:
        return False
    return login_path not in response.headers.get("Location", "")
