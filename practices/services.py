"""Practice logic shared by views, the CLI and tests: saving with history, review, reuse."""

import re
from datetime import date, datetime

from flask import current_app
from flask_babel import get_timezone
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError

from portal.database import insert_or_add, writing
from portal.extensions import db
from portal.models import User, utcnow
from portal.signals import content_changed
from practices.models import (
    Practice,
    PracticeRevision,
    PracticeViewCount,
    Replication,
    Status,
    UsefulVote,
)
from practices.records import apply_record, apply_relations, practice_to_record

#: Which status each review action moves a practice from, and to.
TRANSITIONS = {
    "submit": ({Status.DRAFT}, Status.REVIEW),
    "publish": ({Status.REVIEW, Status.DRAFT}, Status.PUBLISHED),
    "return": ({Status.REVIEW}, Status.DRAFT),
    "archive": ({Status.PUBLISHED}, Status.ARCHIVED),
    "unarchive": ({Status.ARCHIVED}, Status.PUBLISHED),
}


#: User agents of robots, link previews and scripts, whose visits are not readers' views.
ROBOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|headless|python-requests|python-urllib"
    r"|curl|wget|httpclient|okhttp|go-http-client|java/|libwww|scrapy|aiohttp|httpx"
    r"|node-fetch|axios|phantomjs|lighthouse|pagespeed|preview|monitor|uptime|pingdom"
    r"|mediapartners|feedfetcher|validator|archiver",
    re.IGNORECASE,
)

#: Saving without a change leaves no revision for these actions (re-imports, idle saves).
QUIET_WHEN_UNCHANGED = {"edited", "imported"}


class TransitionRefused(Exception):
    """The practice is not in a state, or the user not in a role, for that action."""


def practice_by_slug(slug: str) -> Practice | None:
    """Return the practice with `slug`, whatever its status."""
    return db.session.execute(db.select(Practice).filter_by(slug=slug)).scalar_one_or_none()


def may_edit(user: User, practice: Practice) -> bool:
    """Authors edit their own practices until archived; reviewers edit any."""
    if not user.is_authenticated:
        return False
    if user.may_review:
        return True
    return practice.author_id == user.id and practice.status != Status.ARCHIVED


def save_practice(practice: Practice, record: dict, user: User | None, action: str) -> list[str]:
    """Apply `record`, keep a revision of the result, commit; return unknown related slugs."""
    before = practice_to_record(practice) if practice.id else {}
    with db.session.no_autoflush:
        apply_record(practice, record)
        missing = apply_relations(practice, record.get("related") or [])
    db.session.add(practice)
    if practice.status == Status.PUBLISHED and practice.published_at is None:
        practice.published_at = utcnow()
    db.session.flush()
    revision = record_revision(practice, user, action, before=before)
    db.session.commit()
    if revision is not None:
        announce(practice, action)
    return missing


def record_revision(practice: Practice, user: User | None, action: str, before: dict, comment=""):
    """Store who did what and the full record afterwards, with the fields that changed."""
    after = practice_to_record(practice)
    changed = changed_fields(before, after)
    if not changed and action in QUIET_WHEN_UNCHANGED:
        return None
    revision = PracticeRevision(
        practice_id=practice.id,
        user_id=user.id if user is not None and user.is_authenticated else None,
        action=action,
        comment=comment,
        changed_fields=changed,
        snapshot=after,
    )
    db.session.add(revision)
    return revision


def changed_fields(before: dict, after: dict) -> list[str]:
    """Names of the fields whose values differ, translations per language and field."""
    changed = [key for key in after if key != "translations" and before.get(key) != after[key]]
    old, new = before.get("translations", {}), after.get("translations", {})
    for language in sorted(set(old) | set(new)):
        fields = set(old.get(language, {})) | set(new.get(language, {}))
        changed += [
            f"{language}.{field}"
            for field in sorted(fields)
            if old.get(language, {}).get(field) != new.get(language, {}).get(field)
        ]
    return changed


def transition(practice: Practice, user: User, action: str, comment: str = "") -> None:
    """Move a practice through review (submit, publish, return, archive, unarchive)."""
    sources, target = TRANSITIONS[action]
    if practice.status not in sources or not _may_transition(practice, user, action):
        raise TransitionRefused(action)
    before = practice_to_record(practice)
    practice.status = target
    practice.review_comment = comment if action == "return" else ""
    if target == Status.PUBLISHED and practice.published_at is None:
        practice.published_at = utcnow()
    record_revision(practice, user, action, before=before, comment=comment)
    db.session.commit()
    announce(practice, action)


def _may_transition(practice: Practice, user: User, action: str) -> bool:
    if action == "submit":
        return may_edit(user, practice)
    if action == "publish" and practice.author_id == user.id and not user.has_role("admin"):
        return False  # a second pair of eyes: reviewers do not publish their own work
    return user.may_review


def restore_revision(practice: Practice, revision: PracticeRevision, user: User) -> None:
    """Bring back the texts and facts of an earlier revision, keeping the current status."""
    record = dict(revision.snapshot, status=practice.status, slug=practice.slug)
    save_practice(practice, record, user, action="restored")


def announce(practice: Practice, action: str) -> None:
    """Tell the rest of the portal (search index, reports) that a practice changed."""
    content_changed.send("practices", kind="practice", entity_id=practice.id, action=action)


def mark_useful(practice: Practice, user: User) -> None:
    """Record one 'useful' vote per account; a second vote changes nothing."""
    if db.session.get(UsefulVote, (practice.id, user.id)) is None:
        db.session.add(UsefulVote(practice_id=practice.id, user_id=user.id))
        db.session.commit()


def record_replication(practice: Practice, user: User, note: str) -> Replication:
    """Record (or update) that the user's municipality applied this practice."""
    replication = db.session.execute(
        db.select(Replication).filter_by(practice_id=practice.id, user_id=user.id)
    ).scalar_one_or_none() or Replication(practice_id=practice.id, user_id=user.id)
    replication.region_id = user.region_id
    replication.district_id = user.district_id
    replication.municipality = user.municipality
    replication.note = note.strip()
    db.session.add(replication)
    db.session.commit()
    return replication


def useful_count(practice: Practice) -> int:
    """How many accounts found the practice useful."""
    return db.session.scalar(
        db.select(func.count()).select_from(UsefulVote).filter_by(practice_id=practice.id)
    )


def replications(practice: Practice) -> list[Replication]:
    """The municipalities that applied the practice, newest first."""
    return list(
        db.session.execute(
            db.select(Replication)
            .filter_by(practice_id=practice.id)
            .order_by(Replication.created_at.desc())
        ).scalars()
    )


def import_record(record: dict) -> tuple[bool, list[str]]:
    """Create or update the practice `record` describes; return (created, missing related)."""
    practice = practice_by_slug(record["slug"])
    missing = save_practice(practice or Practice(), record, None, "imported")
    return practice is None, missing


def link_related(record: dict) -> list[str]:
    """Link a practice to related ones imported after it; return slugs still not found."""
    practice = practice_by_slug(record["slug"])
    missing = apply_relations(practice, record.get("related") or [])
    db.session.commit()
    return missing


def is_robot(user_agent: str) -> bool:
    """True for robots, link previews, scripts and requests without a user agent."""
    return not user_agent.strip() or ROBOT_AGENT.search(user_agent) is not None


def bishkek_today() -> date:
    """Today's date in the portal's time zone (Bishkek), which the dashboard counts in."""
    return datetime.now(get_timezone()).date()


def count_view(practice_id: int, day: date | None = None) -> bool:
    """Add one view of a practice's page to its day's count; False (logged) if that failed.

    One INSERT … ON CONFLICT DO UPDATE on both databases, so concurrent readers never lose a
    count; a failure is rolled back and logged, since a counter must never break a page.
    """
    values = {"practice_id": practice_id, "day": day or bishkek_today(), "views": 1}
    try:
        with writing():
            insert_or_add(PracticeViewCount, values, ["practice_id", "day"], "views")
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Could not count a view of practice %s", practice_id)
        return False
    return True
