"""Case studies: language-independent facts, per-language texts, history, reuse and collections."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class Status(StrEnum):
    """Life cycle of a practice: draft → in review → published → archived."""

    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class BudgetSource(StrEnum):
    """Who paid for what a practice describes."""

    LOCAL = "local"
    DONOR = "donor"
    PRIVATE = "private"
    MIXED = "mixed"


practice_topic = Table(
    "practice_topic",
    db.metadata,
    Column("practice_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id"), primary_key=True),
)

practice_relation = Table(
    "practice_relation",
    db.metadata,
    Column("practice_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    Column("related_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
)


class Practice(db.Model):
    """A case study: what a municipality did, where, when, with what money and whom."""

    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT, index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    municipality: Mapped[str] = mapped_column(String(160), default="")
    year: Mapped[int] = mapped_column(index=True)
    year_end: Mapped[int | None]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    contact_organisation: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    budget_amount: Mapped[int | None] = mapped_column(BigInteger)
    budget_source: Mapped[str | None] = mapped_column(String(20))
    partners: Mapped[str] = mapped_column(Text, default="")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    region = relationship("Region")
    district = relationship("District")
    author = relationship("User")
    cover = relationship("StoredFile")
    topics = relationship("Topic", secondary=practice_topic, order_by="Topic.position")
    translations: Mapped[list["PracticeTranslation"]] = relationship(
        back_populates="practice", cascade="all, delete-orphan", order_by="PracticeTranslation.id"
    )
    attachments: Mapped[list["PracticeAttachment"]] = relationship(
        back_populates="practice",
        cascade="all, delete-orphan",
        order_by="PracticeAttachment.position",
    )
    related = relationship(
        "Practice",
        secondary=practice_relation,
        primaryjoin="Practice.id == practice_relation.c.practice_id",
        secondaryjoin="Practice.id == practice_relation.c.related_id",
    )

    @property
    def languages(self) -> list[str]:
        """Languages this practice is written in, in portal order (ky, ru, en)."""
        present = {translation.language for translation in self.translations}
        return [language for language in ("ky", "ru", "en") if language in present]

    def translation(self, language: str) -> "PracticeTranslation | None":
        """The text in exactly `language`, if there is one."""
        return next((t for t in self.translations if t.language == language), None)

    def __repr__(self) -> str:
        return f"<Practice {self.slug} {self.status}>"


class PracticeTranslation(db.Model):
    """The texts of a practice in one language."""

    __tablename__ = "practice_translation"
    __table_args__ = (UniqueConstraint("practice_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")

    practice: Mapped[Practice] = relationship(back_populates="translations")


class PracticeAttachment(db.Model):
    """A file that belongs to a practice: a report, a contract template, a photo."""

    __tablename__ = "practice_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    practice: Mapped[Practice] = relationship(back_populates="attachments")
    stored_file = relationship("StoredFile")


class PracticeRevision(db.Model):
    """One step in a practice's history: who did what, when, and the full record afterwards."""

    __tablename__ = "practice_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    changed_fields: Mapped[list] = mapped_column(JSON, default=list)
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User")


class Replication(db.Model):
    """A learner's mark that their municipality applied a practice."""

    __tablename__ = "practice_replication"
    __table_args__ = (UniqueConstraint("practice_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    municipality: Mapped[str] = mapped_column(String(160), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    region = relationship("Region")
    district = relationship("District")


class PracticeViewCount(db.Model):
    """How often a practice's page was read on one day (Bishkek time): a number, no person."""

    __tablename__ = "practice_view_count"
    __table_args__ = (UniqueConstraint("practice_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(index=True)
    views: Mapped[int] = mapped_column(default=0)


class UsefulVote(db.Model):
    """One account's 'useful' mark on a practice."""

    __tablename__ = "practice_useful_vote"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Collection(db.Model):
    """A named, ordered set of practices with an introduction, e.g. a waste-management toolkit."""

    __tablename__ = "practice_collection"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    owner = relationship("User")
    translations: Mapped[list["CollectionTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="CollectionTranslation.id"
    )
    items: Mapped[list["CollectionItem"]] = relationship(
        cascade="all, delete-orphan", order_by="CollectionItem.position"
    )

    def translation(self, language: str) -> "CollectionTranslation | None":
        """The title and introduction in exactly `language`, if written."""
        return next((t for t in self.translations if t.language == language), None)


class CollectionTranslation(db.Model):
    """A collection's title and introduction in one language."""

    __tablename__ = "practice_collection_translation"
    __table_args__ = (UniqueConstraint("collection_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("practice_collection.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")


class CollectionItem(db.Model):
    """A practice's place in a collection."""

    __tablename__ = "practice_collection_item"
    __table_args__ = (UniqueConstraint("collection_id", "practice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("practice_collection.id", ondelete="CASCADE")
    )
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    practice = relationship("Practice")
