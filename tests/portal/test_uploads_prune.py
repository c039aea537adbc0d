"""flask uploads prune: files nothing uses are removed with their web sizes, after a grace
period; files in use, recent files and files that come into use meanwhile are kept."""

import io
import os
import time
from datetime import timedelta

from PIL import Image

from courses.models import Course, LessonFile
from portal.extensions import db
from portal.models import utcnow
from portal.uploads import StoredFile, save_content, stored_file_path
from portal.uploads.checks import check_content
from portal.uploads.models import StoredFileVariant
from portal.uploads.pruning import ASIDE_SUFFIX, remove_unused
from portal.uploads.variants import make_variants

DAYS_AGO = time.time() - 3 * 86400


def stored_image(app, colour: tuple, days_old: int = 3) -> int:
    """A 1000 × 800 picture stored with its web sizes, `days_old` days ago; its id."""
    output = io.BytesIO()
    Image.new("RGB", (1000, 800), colour).save(output, "PNG")
    with app.app_context():
        stored = save_content(check_content(output.getvalue(), "png", app.config))
        make_variants(stored)
        stored.created_at = utcnow() - timedelta(days=days_old)
        db.session.commit()
        return stored.id


def paths_of(app, stored_id: int) -> list:
    with app.app_context():
        stored = db.session.get(StoredFile, stored_id)
        return [stored_file_path(item) for item in (stored, *stored.variants)]


def attach_to_first_lesson(app, stored_id: int) -> int:
    with app.app_context():
        lesson = db.session.scalars(db.select(Course)).one().lessons[0]
        item = LessonFile(lesson_id=lesson.id, stored_file_id=stored_id, title="Сүрөт")
        db.session.add(item)
        db.session.commit()
        return item.id


def old_file(path, data: bytes = b"left over") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (DAYS_AGO, DAYS_AGO))


def test_unused_files_and_strays_go_used_and_recent_ones_stay(app, runner, make_course):
    make_course("private-sector")
    unused = stored_image(app, (200, 30, 30))
    used = stored_image(app, (30, 200, 30))
    recent = stored_image(app, (30, 30, 200), days_old=0)
    attach_to_first_lesson(app, used)
    unused_paths, used_paths, recent_paths = (paths_of(app, i) for i in (unused, used, recent))
    assert len(unused_paths) > 1  # the original and its web sizes
    root = unused_paths[0].parents[2]
    stray, temporary = root / "ab" / "cd" / f"{'ab' * 32}.pdf", root / ".upload-x1.tmp"
    fresh_stray = root / "ab" / "cd" / f"{'cd' * 32}.pdf"
    old_file(stray)
    old_file(temporary)
    fresh_stray.write_bytes(b"being attached")

    dry = runner.invoke(args=["uploads", "prune", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would remove 1 unused stored file(s) and 2 stray file(s)" in dry.output
    assert all(path.is_file() for path in unused_paths + [stray, temporary])

    result = runner.invoke(args=["uploads", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 unused stored file(s) and 2 stray file(s)" in result.output
    assert not any(path.exists() for path in unused_paths + [stray, temporary])
    assert all(path.is_file() for path in used_paths + recent_paths + [fresh_stray])
    with app.app_context():
        assert db.session.get(StoredFile, unused) is None
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(StoredFileVariant)
                .filter_by(stored_file_id=unused)
            )
            == 0
        )
        assert db.session.get(StoredFile, used) and db.session.get(StoredFile, recent)
    assert not list(root.rglob(f"*{ASIDE_SUFFIX}"))


def test_a_deleted_lessons_picture_is_pruned(app, client, runner, make_course):
    make_course("private-sector")
    picture = stored_image(app, (90, 90, 90))
    attach_to_first_lesson(app, picture)
    assert "Removed 0 unused" in runner.invoke(args=["uploads", "prune"]).output
    with app.app_context():
        db.session.delete(db.session.scalars(db.select(LessonFile)).one())
        db.session.commit()
    result = runner.invoke(args=["uploads", "prune", "--min-age-days", "0"])
    assert "Removed 1 unused stored file(s)" in result.output
    with app.app_context():
        assert db.session.get(StoredFile, picture) is None


def test_a_file_that_came_into_use_is_kept_whole(app, make_course):
    make_course("private-sector")
    picture = stored_image(app, (10, 120, 10))
    attach_to_first_lesson(app, picture)
    paths = paths_of(app, picture)
    contents = [path.read_bytes() for path in paths]
    with app.app_context():
        # As if the attachment was committed between the search for unused files and this.
        assert remove_unused(db.session.get(StoredFile, picture), paths) is False
        assert db.session.get(StoredFile, picture) is not None
    assert [path.read_bytes() for path in paths] == contents
    assert not list(paths[0].parent.glob(f"*{ASIDE_SUFFIX}"))


def test_a_file_an_interrupted_prune_moved_aside_comes_back(app, runner, make_course):
    make_course("private-sector")
    picture = stored_image(app, (10, 10, 120))
    attach_to_first_lesson(app, picture)
    original = paths_of(app, picture)[0]
    original.rename(original.with_name(original.name + ASIDE_SUFFIX))
    result = runner.invoke(args=["uploads", "prune"])
    assert result.exit_code == 0, result.output
    assert original.is_file()
