"""Which course addresses serve a stored picture, so lesson pages can offer its web sizes."""

from flask import Flask

from courses.models import Lesson, LessonFile
from portal.extensions import db
from portal.uploads import StoredFile
from portal.uploads.pictures import register_picture_source


def lesson_file_picture(arguments: dict) -> StoredFile | None:
    """The file of /courses/<slug>/lessons/<lesson_id>/files/<file_id>, if the path is right."""
    item = db.session.get(LessonFile, arguments.get("file_id"))
    if item is None or item.lesson_id != arguments.get("lesson_id"):
        return None
    if db.session.get(Lesson, item.lesson_id).course.slug != arguments.get("slug"):
        return None
    return item.stored_file


def register_pictures(app: Flask) -> None:
    """Let Markdown pictures that point at a lesson's files get web sizes."""
    register_picture_source(app, "courses.lesson_file", lesson_file_picture)
