"""The disk-full fault (faults.py): fill the upload tmpfs, upload a file as a trainer through
the practice editor (507, the message, the title kept, no file and no row left), free the space
and upload again (accepted)."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

import requests
from faults import HERE, FaultLog, translated, visitor_session
from page_parser import csrf_token, form_with_action, parse

from instance import ROOT, Instance

SAVE_FAILED = "The file could not be saved. Please try again later."


def count_uploads(instance: Instance) -> dict:
    """Stored files and practice attachments in the database."""
    command = [sys.executable, str(HERE / "portal_tasks.py"), "count-uploads"]
    output = subprocess.run(
        command, env=instance.environment(), cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def files_under(directory: Path) -> set[str]:
    """Every file below `directory`, relative."""
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}


def fill(path: Path) -> int:
    """Write `path` until the file system is full; return the bytes written."""
    written, chunk = 0, b"\0" * (1 << 20)
    with open(path, "wb", buffering=0) as handle:
        while True:
            try:
                written += handle.write(chunk)
            except OSError:
                break
        while True:
            try:
                written += handle.write(b"\0" * 4096)
            except OSError:
                return written


def trainer_session(instance: Instance, accounts: dict) -> requests.Session:
    """A trainer (not one the simulated trainers use) logged in through the form."""
    session = visitor_session("10.254.0.2")
    login = session.get(instance.base_url + "/account/login", timeout=30)
    form = {"csrf_token": csrf_token(parse(login.text)), "email": accounts["trainers"][-1]}
    form["password"] = accounts["password"]
    session.post(instance.base_url + "/account/login", data=form, timeout=30)
    return session


def upload_attachment(session, instance: Instance, slug: str, title: str):
    """Send a fresh 256 KiB PDF to a practice's files form, as the editor page does."""
    editor = parse(session.get(f"{instance.base_url}/practices/{slug}/edit", timeout=30).text)
    form = form_with_action(editor, f"/practices/{slug}/files")
    pdf = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n" + b"%" * (256 * 1024) + b"\n%%EOF\n"
    return session.post(
        f"{instance.base_url}/practices/{slug}/files",
        data={"csrf_token": csrf_token(form), "title": title},
        files={"file": ("probe.pdf", pdf, "application/pdf")},
        allow_redirects=False,
        timeout=60,
    )


def disk_full(instance: Instance, accounts: dict, log: FaultLog) -> None:
    """Upload onto a full file system, check nothing is left, then upload with room again."""
    session = trainer_session(instance, accounts)
    slug = next(s for s in accounts["practices"] if s.startswith("bench-"))
    rows_before, files_before = count_uploads(instance), files_under(instance.upload_dir)
    filler = instance.upload_dir / ".filler"
    filled = fill(filler)
    title = f"Disk full probe {uuid.uuid4().hex[:6]}"
    try:
        refused = upload_attachment(session, instance, slug, title)
        page = refused.text
        left = files_under(instance.upload_dir) - files_before - {filler.name}
        rows_after = count_uploads(instance)
    finally:
        filler.unlink()
    accepted = upload_attachment(session, instance, slug, title)
    log.note(
        "disk-full",
        filler_mb=round(filled / (1 << 20), 1),
        status=refused.status_code,
        message_shown=any(m in page for m in translated(SAVE_FAILED)),
        title_kept=f'value="{title}"' in page,
        files_left=sorted(left),
        rows_added=rows_after["stored_files"] - rows_before["stored_files"],
        attachments_added=rows_after["attachments"] - rows_before["attachments"],
        with_room_again=accepted.status_code,
    )
