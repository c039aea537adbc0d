"""Finding courses: the catalogue, one course by its address, and who may see it."""

from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, select

from courses.models import Course, CourseStatus, CourseTranslation, course_topic
from portal.extensions import db
from portal.models import Topic, User

LANGUAGES = ("ky", "ru", "en")


@dataclass
class CatalogueFilters:
    """What a visitor narrowed the catalogue down to; every field may be empty."""

    topic: str = ""
    language: str = ""

    @classmethod
    def from_request(cls) -> "CatalogueFilters":
        """Read the filters from the query string, ignoring values that make no sense."""
        language = request.args.get("lang", "")
        return cls(
            topic=request.args.get("topic", "")[:60],
            language=language if language in LANGUAGES else "",
        )

    def as_args(self) -> dict:
        """The filters as query-string arguments, leaving out empty ones."""
        return {
            key: value for key, value in (("topic", self.topic), ("lang", self.language)) if value
        }


def published_courses(filters: CatalogueFilters) -> Select:
    """Published courses matching the filters, newest first."""
    query = select(Course).where(Course.status == CourseStatus.PUBLISHED)
    if filters.topic:
        query = query.where(
            Course.id.in_(
                select(course_topic.c.course_id)
                .join(Topic, Topic.id == course_topic.c.topic_id)
                .where(Topic.code == filters.topic)
            )
        )
    if filters.language:
        query = query.where(
            Course.id.in_(
                select(CourseTranslation.course_id).where(
                    CourseTranslation.language == filters.language
                )
            )
        )
    return query.order_by(Course.published_at.desc(), Course.id.desc())


def course_by_slug(slug: str) -> Course | None:
    """The course at `slug`, whatever its status."""
    return db.session.execute(select(Course).filter_by(slug=slug)).scalar_one_or_none()


def may_edit(user: User, course: Course) -> bool:
    """Administrators edit every course; trainers the ones they wrote."""
    if not user.is_authenticated or not user.has_role("trainer"):
        return False
    return user.has_role("admin") or course.author_id == user.id


def may_view(user: User, course: Course) -> bool:
    """Published courses are public; drafts only for those who may edit them."""
    return course.status == CourseStatus.PUBLISHED or may_edit(user, course)
