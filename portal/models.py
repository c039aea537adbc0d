"""Core models: accounts and the administrative map of the country."""

import secrets
from datetime import UTC, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String, TypeDecorator, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use portal.models.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: Shown wherever the name of a deleted account would have been.
DELETED_ACCOUNT = _l("Deleted account")


def new_session_token() -> str:
    """Return a fresh random token that identifies a user's login sessions."""
    return secrets.token_urlsafe(24)


class Role(StrEnum):
    """What an account may do; each role includes the ones before it."""

    LEARNER = "learner"
    TRAINER = "trainer"
    ADMIN = "admin"


ROLE_RANK = {Role.LEARNER: 0, Role.TRAINER: 1, Role.ADMIN: 2}


class Gender(StrEnum):
    """Optional self-declared gender, used only for programme statistics."""

    FEMALE = "female"
    MALE = "male"


class LocalisedNameMixin:
    """Names in the three portal languages, with the current locale picked on display."""

    name_ky: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    def name_in(self, language: str) -> str:
        """Return the name in `language`, falling back to Kyrgyz."""
        return getattr(self, f"name_{language}", None) or self.name_ky

    @property
    def name(self) -> str:
        """The name in the language of the current request."""
        from portal.i18n import current_language

        return self.name_in(current_language())


class Region(LocalisedNameMixin, db.Model):
    """An oblast or a city of republican significance."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    districts: Mapped[list["District"]] = relationship(
        back_populates="region", order_by="District.position"
    )


class District(LocalisedNameMixin, db.Model):
    """A district (raion) inside a region."""

    __tablename__ = "district"
    __table_args__ = (UniqueConstraint("region_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    region: Mapped[Region] = relationship(back_populates="districts")


class Topic(LocalisedNameMixin, db.Model):
    """A subject area shared by practices and courses, e.g. solid waste collection."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)


class User(UserMixin, db.Model):
    """A person with an account: learner, trainer or administrator."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    municipality: Mapped[str] = mapped_column(String(160), default="")
    position: Mapped[str] = mapped_column(String(160), default="")
    gender: Mapped[str | None] = mapped_column(String(10))
    is_reviewer: Mapped[bool] = mapped_column(default=False, server_default=false())
    language: Mapped[str] = mapped_column(String(5), default="ky")
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=func.now()
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when the person deleted the account: the row stays, scrubbed, for statistics.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()

    def get_id(self) -> str:
        """Identify the login session, not the user, so rotating the token ends every session."""
        return self.session_token

    @property
    def is_deleted(self) -> bool:
        """Whether the person deleted this account (only anonymous statistics remain)."""
        return self.deleted_at is not None

    @property
    def display_name(self) -> str:
        """The name to show others, or "Deleted account" once the account was deleted."""
        return str(DELETED_ACCOUNT) if self.is_deleted else self.name

    @property
    def is_active(self) -> bool:
        """Deactivated and deleted accounts cannot log in (Flask-Login checks this)."""
        return self.is_active_account and self.deleted_at is None

    def has_role(self, role: str) -> bool:
        """Whether this account has `role` or a higher one."""
        return ROLE_RANK.get(Role(self.role), -1) >= ROLE_RANK[Role(role)]

    @property
    def may_review(self) -> bool:
        """Trainers with review rights and administrators publish other people's content."""
        return self.has_role(Role.ADMIN) or (self.has_role(Role.TRAINER) and self.is_reviewer)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
