"""Finding published practices: filters, sorting and counts for the library pages and API."""

from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.models import District, Region, Topic
from practices.models import (
    Practice,
    PracticeTranslation,
    Replication,
    Status,
    UsefulVote,
    practice_topic,
)

SORTS = ("newest", "useful", "applied")


@dataclass
class LibraryFilters:
    """What a visitor narrowed the library down to; every field may be empty."""

    region: str = ""
    district: str = ""
    topic: str = ""
    year: int | None = None
    language: str = ""
    sort: str = "newest"

    @classmethod
    def from_request(cls) -> "LibraryFilters":
        """Read the filters from the query string, ignoring values that make no sense."""
        args = request.args
        year = args.get("year", type=int)
        return cls(
            region=args.get("region", "")[:40],
            district=args.get("district", "")[:40],
            topic=args.get("topic", "")[:60],
            year=year if year and 1991 <= year <= 2100 else None,
            language=args.get("lang", "") if args.get("lang") in ("ky", "ru", "en") else "",
            sort=args.get("sort") if args.get("sort") in SORTS else "newest",
        )

    def as_args(self) -> dict:
        """The filters as query-string arguments, leaving out empty ones."""
        values = {
            "region": self.region,
            "district": self.district,
            "topic": self.topic,
            "year": self.year,
            "lang": self.language,
            "sort": self.sort,
        }
        return {key: value for key, value in values.items() if value and value != "newest"}


def published_practices(filters: LibraryFilters) -> Select:
    """Published practices matching `filters`, sorted as asked."""
    query = select(Practice).where(Practice.status == Status.PUBLISHED)
    if filters.region:
        query = query.join(Region, Practice.region_id == Region.id).where(
            Region.code == filters.region
        )
    if filters.district:
        query = query.join(District, Practice.district_id == District.id).where(
            District.code == filters.district
        )
    if filters.topic:
        query = query.where(
            Practice.id.in_(
                select(practice_topic.c.practice_id)
                .join(Topic, Topic.id == practice_topic.c.topic_id)
                .where(Topic.code == filters.topic)
            )
        )
    if filters.year:
        query = query.where(Practice.year <= filters.year).where(
            func.coalesce(Practice.year_end, Practice.year) >= filters.year
        )
    if filters.language:
        query = query.where(
            Practice.id.in_(
                select(PracticeTranslation.practice_id).where(
                    PracticeTranslation.language == filters.language
                )
            )
        )
    return _sorted(query, filters.sort)


def _sorted(query: Select, sort: str) -> Select:
    newest = (Practice.published_at.desc(), Practice.id.desc())
    if sort == "useful":
        votes = _count_per_practice(UsefulVote)
        return query.outerjoin(votes, votes.c.practice_id == Practice.id).order_by(
            func.coalesce(votes.c.total, 0).desc(), *newest
        )
    if sort == "applied":
        applied = _count_per_practice(Replication)
        return query.outerjoin(applied, applied.c.practice_id == Practice.id).order_by(
            func.coalesce(applied.c.total, 0).desc(), *newest
        )
    return query.order_by(*newest)


def _count_per_practice(model):
    return (
        select(model.practice_id, func.count().label("total"))
        .group_by(model.practice_id)
        .subquery()
    )


def counts_by_region() -> dict[str, int]:
    """Number of published practices per region code (regions without any are left out)."""
    rows = db.session.execute(
        select(Region.code, func.count(Practice.id))
        .join(Practice, Practice.region_id == Region.id)
        .where(Practice.status == Status.PUBLISHED)
        .group_by(Region.code)
    )
    return dict(rows.all())


def published_years() -> list[int]:
    """Years in which published practices started, newest first, for the year filter."""
    rows = db.session.execute(
        select(Practice.year).where(Practice.status == Status.PUBLISHED).distinct()
    )
    return sorted((year for (year,) in rows), reverse=True)
