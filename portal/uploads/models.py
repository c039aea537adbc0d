"""The record of a stored upload: one row per distinct content."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.extensions import db
from portal.models import UTCDateTime, utcnow

VARIANT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


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
    #: Web sizes of an image (portal.uploads.variants); none for other kinds.
    variants: Mapped[list["StoredFileVariant"]] = relationship(
        back_populates="stored_file",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="StoredFileVariant.width",
    )

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.sha256[:12]}.{self.extension}>"


class StoredFileVariant(db.Model):
    """A web size of a stored image: one width in one format, addressed by its own SHA-256."""

    __tablename__ = "stored_file_variant"
    __table_args__ = (UniqueConstraint("stored_file_id", "width", "extension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_file.id", ondelete="CASCADE")
    )  # the unique constraint, which starts with it, indexes it
    width: Mapped[int]
    height: Mapped[int]
    #: "webp", or the fallback "jpg" (or "png" for pictures with transparency).
    extension: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    stored_file: Mapped[StoredFile] = relationship(back_populates="variants")

    @property
    def content_type(self) -> str:
        """The MIME type the variant is served with."""
        return VARIANT_TYPES[self.extension]

    def __repr__(self) -> str:
        return f"<StoredFileVariant {self.stored_file_id} {self.width}w.{self.extension}>"
