"""flask backup create | restore: a backup restored into a fresh instance equals the original,
table by table and file by file, and damaged backups or occupied targets are refused."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from portal.backup import databases, services
from portal.extensions import db
from portal.reference_data import load_reference_data
from portal.search import engine as search_engine
from tests.conftest import POSTGRES_URL, drop_tables
from tests.portal.backup_support import (
    FILLED_TABLES,
    build_course_records,
    build_library,
    fresh_instance,
    restore,
    table_contents,
    table_names,
    upload_contents,
)


@pytest.fixture
def target(tmp_path):
    """A second, fresh instance to restore into."""
    with fresh_instance(tmp_path / "target") as instance:
        yield instance


@pytest.fixture
def migrated(app):
    """The app's database made by the migrations, as `flask init` makes it in production (so
    the backup records a revision and holds alembic_version), not by create_all."""
    with app.app_context():
        db.drop_all()
        upgrade()
        load_reference_data()
        search_engine.rebuild()
    yield app
    with app.app_context():
        db.session.remove()
        drop_tables()


def library_backup(app, runner, client, make_user, make_practice, directory: Path) -> Path:
    """A backup of a small library: accounts, two practices with an attachment and a cover."""
    build_library(app, client, make_user, make_practice)
    result = runner.invoke(args=["backup", "create", str(directory)])
    assert result.exit_code == 0, result.output
    return directory


@pytest.fixture(scope="module")
def pristine_backup(tmp_path_factory) -> dict:
    """Where the module's one library backup is kept once a test has made it."""
    return {"root": tmp_path_factory.mktemp("pristine") / "backup", "made": False}


@pytest.fixture
def backup(request, pristine_backup, tmp_path) -> Path:
    """A copy of a backup of a small library (schema made by create_all, which is quicker than
    the migrations and enough where the schema's history does not matter). The first test to
    ask makes it; the others get a fresh copy, theirs to spoil."""
    if not pristine_backup["made"]:
        fixtures = ("app", "runner", "client", "make_user", "make_practice")
        library_backup(*map(request.getfixturevalue, fixtures), pristine_backup["root"])
        pristine_backup["made"] = True
    directory = tmp_path / "backup"
    shutil.copytree(pristine_backup["root"], directory, symlinks=True)
    return directory


def test_a_restored_backup_equals_the_original(
    migrated, runner, client, make_user, make_practice, make_course, target, tmp_path
):
    app = migrated
    trainer_id = build_library(app, client, make_user, make_practice)
    build_course_records(app, make_user, make_course, trainer_id)
    directory = tmp_path / "backups" / "nightly"
    created = runner.invoke(args=["backup", "create", str(directory)])
    assert created.exit_code == 0, created.output
    assert "uploaded files" in created.output
    kind = "sqlite3" if not POSTGRES_URL else "pgdump"
    assert sorted(p.name for p in directory.iterdir()) == [
        f"database.{kind}",
        "manifest.json",
        "uploads",
    ]
    assert [p.name for p in directory.parent.iterdir()] == ["nightly"]  # no staging left over

    restored = restore(target, directory)
    assert restored.exit_code == 0, restored.output
    assert "Restored " in restored.output and "Index rebuilt" in restored.output
    original, copy = table_contents(app), table_contents(target)
    with app.app_context():
        assert {table.name for table in db.metadata.sorted_tables} | {"alembic_version"} == set(
            original
        )
    assert FILLED_TABLES <= {name for name, rows in original.items() if len(rows) > 1}
    assert original["alembic_version"][1:] == [(services_head(app),)]
    for name in original:  # table by table, so a difference names its table
        assert copy[name] == original[name], name
    assert copy == original
    assert len(upload_contents(app)) >= 4  # report, photo, guide and video
    assert upload_contents(target) == upload_contents(app)
    page = target.test_client().get("/search?q=Каракол", headers={"Accept-Language": "ru"})
    assert "Вывоз мусора в Караколе" in page.get_data(as_text=True)
    assert target.test_cli_runner().invoke(args=["search", "status"]).exit_code == 0


def services_head(app) -> str:
    """The newest migration of the code."""
    with app.app_context():
        return services.code_head()


def test_the_manifest_lists_every_file_and_counts_every_table(
    migrated, runner, client, make_user, make_practice, tmp_path
):
    app = migrated
    backup = library_backup(app, runner, client, make_user, make_practice, tmp_path / "backup")
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"manifest.json"}
    uploads = {f"uploads/{path}": data for path, data in upload_contents(app).items()}
    assert len(uploads) >= 2  # the report and the photo (and any variant made of it)
    assert {path for path in listed if path.startswith("uploads/")} == set(uploads)
    for path, data in uploads.items():
        assert listed[path]["sha256"] == hashlib.sha256(data).hexdigest()
    for path, entry in listed.items():
        assert entry["size"] == (backup / path).stat().st_size
    database = manifest["database"]
    assert database["kind"] == ("postgresql" if POSTGRES_URL else "sqlite")
    with app.app_context():
        assert database["tables"] == databases.live_row_counts()
    assert database["tables"]["practice"] == 2
    assert database["alembic_revision"] == services_head(app)
    assert database["server_version"] and database["dumped_by"]
    if POSTGRES_URL:
        assert database["dumped_by"].startswith("pg_dump (PostgreSQL) ")
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["portal_version"] == services.portal_version() != "unknown"
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])


def test_restore_onto_an_instance_that_only_ran_init(backup, target):
    initialised = target.test_cli_runner().invoke(args=["init"])
    assert initialised.exit_code == 0, initialised.output
    result = restore(target, backup)
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM practice")) == 2
    assert target.test_cli_runner().invoke(args=["search", "status"]).exit_code == 0


def flip_a_byte(path: Path) -> None:
    """Change one byte in the middle of a file, keeping its size."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def first_upload(directory: Path) -> Path:
    """The first upload file of a backup."""
    return next(path for path in sorted((directory / "uploads").rglob("*")) if path.is_file())


def edit_manifest(directory: Path, change) -> None:
    """Apply `change` to a backup's manifest."""
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def list_outside_file(directory: Path) -> None:
    """List a file beside the backup, reached with '..', in its manifest."""
    (directory.parent / "outside.txt").write_text("secret", encoding="utf-8")
    entry = {"path": "../outside.txt", "size": 6, "sha256": "0" * 64}
    edit_manifest(directory, lambda manifest: manifest["files"].append(entry))


DAMAGES = {
    "altered upload": (lambda d: flip_a_byte(first_upload(d)), "differs from the manifest"),
    "altered dump": (
        lambda d: flip_a_byte(next(d.glob("database.*"))),
        "differs from the manifest",
    ),
    "missing upload": (lambda d: first_upload(d).unlink(), "is missing"),
    "extra file": (
        lambda d: (d / "uploads" / "extra.pdf").write_bytes(b"%PDF-1.4"),
        "unexpected file in the backup: uploads/extra.pdf",
    ),
    "path outside": (list_outside_file, "unsafe path in the manifest: '../outside.txt'"),
    "no manifest": (lambda d: (d / "manifest.json").unlink(), "not a backup directory"),
    "malformed entry": (
        lambda d: edit_manifest(d, lambda m: m["files"][0].update(size="12")),
        "malformed file entry in the manifest",
    ),
    "link": (
        lambda d: (d / "uploads" / "link.pdf").symlink_to(first_upload(d)),
        "is a link or a special file",
    ),
    "unknown revision": (
        lambda d: edit_manifest(d, lambda m: m["database"].update(alembic_revision="ffff0000")),
        "revision ffff0000 is unknown to this code",
    ),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_backup_is_refused_and_nothing_changes(backup, target, damage):
    spoil, reason = DAMAGES[damage]
    spoil(backup)
    result = restore(target, backup)
    assert result.exit_code == 1
    assert reason in result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert table_names(target) == []
    assert upload_contents(target) == {}


def test_a_backup_of_the_other_database_kind_is_refused(backup, target):
    other = "postgresql" if not POSTGRES_URL else "sqlite"
    new_name = databases.DUMP_FILES[other]
    dump = next(backup.glob("database.*"))
    dump.rename(backup / new_name)

    def relabel(manifest):
        manifest["database"].update(kind=other, file=new_name)
        next(e for e in manifest["files"] if e["path"] == dump.name)["path"] = new_name

    edit_manifest(backup, relabel)
    result = restore(target, backup)
    assert result.exit_code == 1
    assert f"this is a backup of a {other} database" in result.output
    assert table_names(target) == []


def test_restore_refuses_an_instance_with_content(backup, target, tmp_path):
    with target.app_context():
        db.create_all()
        db.session.execute(
            text(
                "INSERT INTO topic (code, position, name_ky, name_ru, name_en) "
                "VALUES ('kept', 0, 'a', 'b', 'c')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO search_query (text, language, results, duration_ms, "
                "source, created_at) VALUES ('x', 'ky', 0, 1, 'web', '2025-01-01')"
            )
        )
        db.session.commit()
    result = restore(target, backup)
    assert result.exit_code == 1
    assert "this instance is not empty (rows in search_query)" in result.output
    assert "Traceback" not in result.output
    with target.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM practice")) == 0
        assert db.session.scalar(text("SELECT count(*) FROM search_query")) == 1


def test_restore_refuses_an_upload_folder_with_files(backup, target):
    stray = Path(target.config["UPLOAD_DIR"]) / "ab" / "cd" / "stray.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"%PDF-1.4")
    result = restore(target, backup)
    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert table_names(target) == []


def test_backup_refuses_a_directory_that_is_not_empty(app, runner, tmp_path):
    directory = tmp_path / "occupied"
    directory.mkdir()
    (directory / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(args=["backup", "create", str(directory)])
    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert [p.name for p in directory.iterdir()] == ["notes.txt"]
    assert not list(tmp_path.glob(".occupied*"))


def test_a_failed_backup_leaves_no_directory(app, runner, tmp_path, monkeypatch):
    def broken_disk(source, target):
        raise OSError("No space left on device")

    monkeypatch.setattr("portal.backup.files.copy_uploads", broken_disk)
    result = runner.invoke(args=["backup", "create", str(tmp_path / "nightly")])
    assert result.exit_code == 1
    assert "Error: backup failed: No space left on device" in result.output
    assert sorted(p.name for p in tmp_path.iterdir() if "nightly" in p.name) == []


def test_verify_checks_a_backup_and_changes_nothing(backup, runner):
    good = runner.invoke(args=["backup", "verify", str(backup)])
    assert good.exit_code == 0, good.output
    assert "files match the manifest" in good.output
    flip_a_byte(first_upload(backup))
    bad = runner.invoke(args=["backup", "verify", str(backup)])
    assert bad.exit_code == 1
    assert "differs from the manifest" in bad.output


def test_backup_into_an_empty_directory_made_beforehand(app, runner, tmp_path):
    directory = tmp_path / "mounted"
    directory.mkdir()
    result = runner.invoke(args=["backup", "create", str(directory)])
    assert result.exit_code == 0, result.output
    assert (directory / "manifest.json").is_file()
    assert directory.stat().st_mode & 0o777 == 0o700  # it holds password hashes
