"""For the backup tests: content of every kind (made through the portal's own forms and
services), a second instance to restore into, and readers that compare two instances."""

import io
from contextlib import contextmanager
from pathlib import Path

import psycopg
from PIL import Image
from psycopg import sql
from sqlalchemy import MetaData, inspect, make_url, select
from werkzeug.datastructures import FileStorage, MultiDict

from courses.models import Course
from courses.services.authoring import attach_file, set_video
from courses.services.progress import enrol, mark_lesson_complete
from courses.services.quizzes import read_answers, submit_attempt
from portal import create_app
from portal.extensions import db
from portal.models import Role, User
from portal.uploads import store_upload, store_video_upload
from practices.services import count_view, mark_useful, practice_by_slug, record_replication
from tests.conftest import POSTGRES_URL, app_settings, log_in, post_form
from tests.courses.conftest import course_ids, right_answers, wrong_answers

REPORT_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GUIDE_PDF = b"%PDF-1.5\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64
#: Tables the builders below must fill, so the round trip compares real rows.
FILLED_TABLES = {
    "user_account",
    "region",
    "district",
    "topic",
    "stored_file",
    "practice",
    "practice_translation",
    "practice_topic",
    "practice_relation",
    "practice_revision",
    "practice_attachment",
    "practice_useful_vote",
    "practice_replication",
    "practice_view_count",
    "practice_collection",
    "practice_collection_translation",
    "practice_collection_item",
    "search_changelog",
    "search_query",
    "course",
    "course_translation",
    "course_topic",
    "course_section",
    "course_section_translation",
    "course_lesson",
    "course_lesson_translation",
    "course_lesson_file",
    "course_lesson_progress",
    "course_question",
    "course_question_translation",
    "course_choice",
    "course_choice_translation",
    "course_enrolment",
    "course_quiz_attempt",
    "course_certificate",
}


def png_bytes() -> bytes:
    """A small red PNG picture."""
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def attach(client, slug: str, name: str, content: bytes, **fields) -> None:
    """Upload a file to a practice through its form, as its trainer does."""
    data = {"title": name, "file": (io.BytesIO(content), name), **fields}
    response = post_form(
        client,
        f"/practices/{slug}/files",
        data,
        token_from=f"/practices/{slug}/edit",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def build_library(app, client, make_user, make_practice) -> int:
    """Accounts of each role, two related practices with files, a cover and a collection,
    votes, a replication, page views and a logged search; returns the trainer's id."""
    make_user(Role.ADMIN)
    trainer_id, trainer_email = make_user(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    make_practice(
        "naryn-water",
        author_id=trainer_id,
        region="naryn",
        district=None,
        related=["karakol-waste"],
    )
    log_in(client, trainer_email)
    attach(client, "karakol-waste", "report.pdf", REPORT_PDF)
    attach(client, "karakol-waste", "photo.png", png_bytes(), as_cover="y")
    collection = {"slug": "waste-toolkit", "title_ky": "Таштанды", "title_ru": "Отходы"}
    collection |= {"title_en": "", "introduction_ky": "Эки практика.", "introduction_ru": ""}
    collection |= {"introduction_en": "", "practices": "naryn-water\nkarakol-waste\n"}
    response = post_form(client, "/practices/collections/new", collection)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/search?q=Каракол").status_code == 200
    learner_id, _email = make_user(Role.LEARNER, municipality="Каракол")
    with app.app_context():
        practice, learner = practice_by_slug("karakol-waste"), db.session.get(User, learner_id)
        mark_useful(practice, learner)
        record_replication(practice, learner, "Биз да колдондук.")
        assert count_view(practice.id)
    return trainer_id


def build_course_records(app, make_user, make_course, trainer_id: int) -> None:
    """A course with a lesson file and a video, a learner who completed it (certificate) and
    one who failed the quiz."""
    course_id = make_course(author_id=trainer_id)
    ids = course_ids(app, course_id)
    passed_id, _email = make_user(Role.LEARNER)
    failed_id, _email = make_user(Role.LEARNER)
    with app.app_context():
        course = db.session.get(Course, course_id)
        reading, video_lesson = course.lessons[0], course.lessons[1]
        guide = store_upload(FileStorage(io.BytesIO(GUIDE_PDF), "guide.pdf"), {"pdf"})
        attach_file(reading, guide, "Колдонмо")
        video_lesson.kind = "video"
        set_video(video_lesson, store_video_upload(FileStorage(io.BytesIO(VIDEO), "intro.mp4")))
        take_course(course, db.session.get(User, passed_id), right_answers(ids))
        take_course(course, db.session.get(User, failed_id), wrong_answers(ids))


def take_course(course: Course, learner: User, answers: dict) -> None:
    """Enrol, complete every reading and video lesson, and answer the quiz."""
    enrol(learner, course)
    for lesson in course.lessons:
        if lesson.is_quiz:
            submit_attempt(learner, lesson, read_answers(lesson, MultiDict(answers)), "ky")
        else:
            mark_lesson_complete(learner, lesson, "ky")


def admin_url(database: str | None = None) -> str:
    """The PostgreSQL test server's URL for psycopg, on the test database or on `database`."""
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    return url.set(database=database or url.database).render_as_string(hide_password=False)


def recreate_database(name: str, drop_only: bool = False) -> None:
    """Drop the PostgreSQL database `name` if it exists and (unless drop_only) create it."""
    with psycopg.connect(admin_url(), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def restore_database_name() -> str:
    """The PostgreSQL database a restore goes into: <test database>_restored, beside the
    test database on the same server (test_backup → test_backup_restored)."""
    return f"{make_url(POSTGRES_URL).database}_restored"


@contextmanager
def fresh_instance(folder: Path):
    """A second instance in `folder` (its own instance path): a new empty database (a new
    SQLite file, or on PostgreSQL <test database>_restored, dropped afterwards), no uploads
    and no search index."""
    folder.mkdir()
    url = f"sqlite:///{folder / 'portal.sqlite3'}"
    restore_name = None
    if POSTGRES_URL:
        restore_name = restore_database_name()
        recreate_database(restore_name)
        url = admin_url(restore_name)
    instance = create_app(app_settings(folder) | {"SQLALCHEMY_DATABASE_URI": url})
    try:
        yield instance
    finally:
        with instance.app_context():
            db.session.remove()
            db.engine.dispose()
        if restore_name:
            recreate_database(restore_name, drop_only=True)


def table_contents(instance) -> dict[str, list[tuple]]:
    """Every table's column names and rows in primary-key order: each table of the models'
    metadata (db.metadata.sorted_tables), then any other table the database holds (such as
    alembic_version), read through reflection."""
    with instance.app_context(), db.engine.connect() as connection:
        contents = {table.name: rows_of(connection, table) for table in db.metadata.sorted_tables}
        others = MetaData()
        others.reflect(bind=connection)
        for name, table in others.tables.items():
            contents.setdefault(name, rows_of(connection, table))
        return contents


def rows_of(connection, table) -> list[tuple]:
    """The table's column names, then its rows in primary-key order."""
    order = list(table.primary_key.columns) or list(table.columns)
    rows = connection.execute(select(table).order_by(*order))
    return [tuple(column.name for column in table.columns), *map(tuple, rows)]


def upload_contents(instance) -> dict[str, bytes]:
    """Every file under an instance's UPLOAD_DIR, by relative path."""
    root = Path(instance.config["UPLOAD_DIR"])
    files = (path for path in sorted(root.rglob("*")) if path.is_file())
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in files}


def table_names(instance) -> list[str]:
    """The tables of an instance's database."""
    with instance.app_context(), db.engine.connect() as connection:
        return inspect(connection).get_table_names()


def restore(instance, directory: Path):
    """Run `flask backup restore DIRECTORY` on `instance`."""
    return instance.test_cli_runner().invoke(args=["backup", "restore", str(directory)])
