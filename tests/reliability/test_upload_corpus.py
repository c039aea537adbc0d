"""Hostile files through every upload form: each refused with a 4xx and a message in the
user's language, nothing written outside storage (or anywhere, when refused), and the process
that handles them never above 200 MB of memory.

The uploads run in a process of their own (tests/reliability/upload_probe.py), which measures
its own peak resident memory around each request, as a web worker would have it.
"""

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.portal.test_uploads import (
    DOCX_PARTS,
    MINIMAL_PDF,
    SVG_WITH_SCRIPT,
    huge_png,
    many_entries_zip,
)

pytestmark = pytest.mark.fuzz

REPOSITORY = Path(__file__).resolve().parents[2]
MAX_PEAK_MIB = 200
#: Where the archive members below point, outside the portal's folder.
ESCAPES = ("/tmp/portal-upload-corpus-slip.sh", "/tmp/portal-upload-corpus-absolute.sh")


def docx_with(*members: zipfile.ZipInfo | str, content: bytes = b"#!/bin/sh\n") -> bytes:
    """A valid DOCX with extra members (names or ZipInfo records)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in DOCX_PARTS.items():
            archive.writestr(name, part)
        for member in members:
            archive.writestr(member, content)
    return buffer.getvalue()


def symlink(name: str) -> zipfile.ZipInfo:
    """A member that unpacks to a symbolic link."""
    member = zipfile.ZipInfo(name)
    member.create_system = 3
    member.external_attr = (stat.S_IFLNK | 0o777) << 16
    return member


def zip_bomb() -> bytes:
    """A DOCX whose body unpacks from about 100 KB to 100 MB of zeros (ratio above 1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, part in DOCX_PARTS.items():
            if name != "word/document.xml":
                archive.writestr(name, part)
        with archive.open("word/document.xml", "w") as member:
            for _ in range(100):
                member.write(bytes(1024 * 1024))
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.getinfo("word/document.xml")
        assert body.file_size / body.compress_size > 1000
    return data


def executable() -> bytes:
    """A real program of this machine (ELF)."""
    return Path(shutil.which("true") or sys.executable).read_bytes()[: 256 * 1024]


POLYGLOT = (
    b"%PDF-1.4\n%<!DOCTYPE html><html><body><script>alert(document.domain)</script>\n"
    + MINIMAL_PDF[len(b"%PDF-1.4\n") :]
)
#: name → (file name as sent, content, what the portal must say about it)
CASES = {
    "zip-slip": ("slip.docx", lambda: docx_with("../../../../../.." + ESCAPES[0]), "archive"),
    "zip-slip (backslashes)": ("slip2.docx", lambda: docx_with("..\\..\\evil.bat"), "archive"),
    "absolute path": ("absolute.docx", lambda: docx_with(ESCAPES[1]), "archive"),
    "drive letter": ("drive.xlsx", lambda: docx_with("C:/Windows/evil.dll"), "archive"),
    "symlink": ("link.docx", lambda: docx_with(symlink("word/media/image1.png")), "archive"),
    "zip bomb": ("bomb.docx", zip_bomb, "archive"),
    "10,000 entries": ("entries.xlsx", lambda: many_entries_zip(10_000), "archive"),
    "executable as .pdf": ("invoice.pdf", executable, "not what it claims"),
    "executable as .mp4": ("lecture.mp4", executable, "not what it claims"),
    "executable as .docx": ("letter.docx", executable, "not what it claims"),
    "HTML/PDF polyglot": ("report.pdf", lambda: POLYGLOT, "not what it claims"),
    "SVG with script": ("logo.svg", lambda: SVG_WITH_SCRIPT, "not accepted"),
    "SVG with script as .png": ("logo.png", lambda: SVG_WITH_SCRIPT, "not what it claims"),
    "100-megapixel PNG": ("huge.png", lambda: huge_png(10_000, 10_000), "too many pixels"),
    # Good files with hostile names: accepted, stored under their digest inside storage.
    "path in the name": ("../../../../../etc/passwd.pdf", lambda: MINIMAL_PDF + b"%1", "accepted"),
    "absolute name": ("/etc/cron.d/x.pdf", lambda: MINIMAL_PDF + b"%2", "accepted"),
    "windows path name": ("C:\\Windows\\x.pdf", lambda: MINIMAL_PDF + b"%3", "accepted"),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list[dict]:
    """Run the probe once for every case and form."""
    base = tmp_path_factory.mktemp("uploads")
    root, corpus = base / "portal", base / "corpus"
    (root / "tmp").mkdir(parents=True)
    corpus.mkdir()
    cases = []
    for number, (name, (filename, make, kind)) in enumerate(CASES.items()):
        path = corpus / f"{number}.bin"
        path.write_bytes(make())
        cases.append({"name": name, "filename": filename, "path": str(path), "kind": kind})
    config = base / "config.json"
    config.write_text(
        json.dumps({"root": str(root), "cases": cases, "results": str(base / "results.json")})
    )
    # Temporary files (spooled form data, half-written uploads) stay inside the watched folder.
    environment = os.environ | {"TMPDIR": str(root / "tmp")}
    probe = subprocess.run(
        [sys.executable, "-m", "tests.reliability.upload_probe", str(config)],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert probe.returncode == 0, probe.stderr[-4000:]
    return json.loads((base / "results.json").read_text())


def test_every_hostile_file_is_refused_with_a_translated_message(results):
    refused = [result for result in results if result["refused"]]
    assert len(refused) >= 4 * (len(CASES) - 3)
    wrong = [
        (result["case"], result["form"], result["status"], result["message_en"])
        for result in refused
        if not (400 <= result["status"] < 500 and result["shown"])
    ]
    assert not wrong, wrong
    untranslated = {r["message_en"] for r in refused if r["message_ky"] == r["message_en"]}
    assert not untranslated, f"no Kyrgyz translation for {untranslated}"


def test_nothing_is_written_for_a_refused_file(results):
    written = [
        (r["case"], r["form"], r["changed"]) for r in results if r["refused"] and r["changed"]
    ]
    assert not written, written
    for escape in ESCAPES:
        assert not Path(escape).exists()


def test_good_files_with_hostile_names_land_inside_storage_only(results):
    accepted = [result for result in results if not result["refused"]]
    assert len(accepted) == 3 * 3  # three names, on the three forms that take PDFs
    for result in accepted:
        assert result["status"] in (302, 303), result
        outside = [
            path
            for path in result["changed"]
            if not path.startswith("uploads/") and not is_database_or_index(path)
        ]
        assert not outside, result
    stored = {path for result in accepted for path in result["changed"] if "uploads/" in path}
    assert len(stored) == 3  # one file per content, under its digest


def is_database_or_index(path: str) -> bool:
    """The SQLite database and the search index: written when an accepted file is attached."""
    return path.startswith(("test.sqlite3", "search-index"))


def test_peak_memory_stays_under_200_mb(results):
    peaks = {(r["case"], r["form"]): r["peak_kib"] / 1024 for r in results}
    too_much = {key: f"{mib:.0f} MiB" for key, mib in peaks.items() if mib >= MAX_PEAK_MIB}
    assert not too_much, too_much
    print(f"\nlargest peak: {max(peaks.values()):.0f} MiB ({max(peaks, key=peaks.get)})")
