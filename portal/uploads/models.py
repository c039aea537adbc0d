"""The record of a stored upload: one row per distinct content."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class StoredFile(db.Model):
    """An accepted upload, addressed by the SHA-256 of the bytes on disk."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))
    extension: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Plain text of a document for the search index; None until extracted, "" when it has none.
    text: Mapped[str | None] = deferred(mapped_column(Text))

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.sha256[:12]}.{self.extension}>"
