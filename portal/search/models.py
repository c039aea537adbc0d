"""What search keeps in the database: the changelog the index follows, and the query log."""

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class SearchChange(db.Model):
    """A searchable entity changed: written in the same transaction as the change itself."""

    __tablename__ = "search_changelog"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SearchQuery(db.Model):
    """One search as typed, without who typed it: for the reports on what people look for."""

    __tablename__ = "search_query"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    text: Mapped[str] = mapped_column(String(200), index=True)
    language: Mapped[str] = mapped_column(String(5))
    results: Mapped[int]
    duration_ms: Mapped[int]
    source: Mapped[str] = mapped_column(String(10), default="web")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
