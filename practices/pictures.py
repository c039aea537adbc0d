"""Which practice addresses serve a stored picture, so pages can offer its web sizes."""

from flask import Flask

from portal.extensions import db
from portal.uploads import StoredFile
from portal.uploads.pictures import register_picture_source
from practices.models import Practice, PracticeAttachment


def cover_picture(arguments: dict) -> StoredFile | None:
    """The cover of the practice at /practices/<slug>/cover."""
    practice = db.session.execute(
        db.select(Practice).filter_by(slug=arguments.get("slug"))
    ).scalar_one_or_none()
    return practice.cover if practice is not None else None


def attachment_picture(arguments: dict) -> StoredFile | None:
    """The file of /practices/<slug>/files/<attachment_id>, if it belongs to that practice."""
    item = db.session.get(PracticeAttachment, arguments.get("attachment_id"))
    if item is None or item.practice.slug != arguments.get("slug"):
        return None
    return item.stored_file


def register_pictures(app: Flask) -> None:
    """Let Markdown pictures that point at a practice's cover or attachments get web sizes."""
    register_picture_source(app, "practices.cover", cover_picture)
    register_picture_source(app, "practices.attachment", attachment_picture)
