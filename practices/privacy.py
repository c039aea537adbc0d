"""What the library holds about a person, for the download and for deleting the account.

Practices and collections belong to the programme and stay, their author shown as a deleted
account; the person's name and address are taken out of contacts and revision snapshots.
"Applied" marks keep their place (for the map) but lose their note; "useful" marks stay, as
anonymous counts.
"""

import json
from typing import Any

from sqlalchemy import String, cast, or_, select, update

from portal.extensions import db
from portal.models import User
from practices.models import Collection, Practice, PracticeRevision, Replication, UsefulVote

COVERS = (
    ("practice", "author_id"),
    ("practice_revision", "user_id"),
    ("practice_replication", "user_id"),
    ("practice_useful_vote", "user_id"),
    ("practice_collection", "owner_id"),
)


def export_library(user: User) -> dict[str, Any]:
    """Practices the person wrote, changes they made, practices they applied or found useful,
    and collections they made."""
    return {
        "practices_written": practices_written_by(user),
        "changes_made": revisions_by(user),
        "applied": replications_by(user),
        "marked_useful": useful_marks_by(user),
        "collections": collections_of(user),
    }


def titles(entity) -> dict[str, str]:
    """The entity's title in every language it is written in."""
    return {translation.language: translation.title for translation in entity.translations}


def practices_written_by(user: User) -> list[dict[str, Any]]:
    """Practices whose author the person is, in every status."""
    query = select(Practice).filter_by(author_id=user.id).order_by(Practice.created_at)
    return [
        {
            "practice": practice.slug,
            "titles": titles(practice),
            "status": practice.status,
            "created_at": practice.created_at,
            "updated_at": practice.updated_at,
            "published_at": practice.published_at,
        }
        for practice in db.session.scalars(query)
    ]


def revisions_by(user: User) -> list[dict[str, Any]]:
    """Each change the person made to a practice: what, when and with which comment."""
    query = (
        select(Practice.slug, PracticeRevision)
        .join(Practice, Practice.id == PracticeRevision.practice_id)
        .where(PracticeRevision.user_id == user.id)
        .order_by(PracticeRevision.created_at, PracticeRevision.id)
    )
    return [
        {
            "practice": slug,
            "action": revision.action,
            "changed_fields": revision.changed_fields,
            "comment": revision.comment,
            "created_at": revision.created_at,
        }
        for slug, revision in db.session.execute(query)
    ]


def replications_by(user: User) -> list[dict[str, Any]]:
    """Practices the person marked as applied in their municipality, with their notes."""
    query = (
        select(Practice.slug, Replication)
        .join(Practice, Practice.id == Replication.practice_id)
        .where(Replication.user_id == user.id)
        .order_by(Replication.created_at)
    )
    return [
        {
            "practice": slug,
            "region": mark.region.code if mark.region else None,
            "district": mark.district.code if mark.district else None,
            "municipality": mark.municipality,
            "note": mark.note,
            "created_at": mark.created_at,
        }
        for slug, mark in db.session.execute(query)
    ]


def useful_marks_by(user: User) -> list[dict[str, Any]]:
    """Practices the person marked as useful."""
    query = (
        select(Practice.slug, UsefulVote.created_at)
        .join(Practice, Practice.id == UsefulVote.practice_id)
        .where(UsefulVote.user_id == user.id)
        .order_by(UsefulVote.created_at)
    )
    return [{"practice": slug, "created_at": at} for slug, at in db.session.execute(query)]


def collections_of(user: User) -> list[dict[str, Any]]:
    """Collections the person made."""
    query = select(Collection).filter_by(owner_id=user.id).order_by(Collection.created_at)
    return [
        {"collection": found.slug, "titles": titles(found), "created_at": found.created_at}
        for found in db.session.scalars(query)
    ]


def erase_library(user: User, keep_name_on_certificates: bool) -> None:
    """Keep the programme's content; remove the person's name, address and notes from it."""
    db.session.execute(update(Replication).where(Replication.user_id == user.id).values(note=""))
    clear_contact(user)
    for revision in revisions_mentioning(user):
        revision.snapshot = scrubbed_snapshot(revision.snapshot, user)


def clear_contact(user: User) -> None:
    """Empty a practice's contact person or e-mail where the person gave their own."""
    db.session.execute(
        update(Practice).where(Practice.contact_person == user.name).values(contact_person="")
    )
    db.session.execute(
        update(Practice).where(Practice.contact_email == user.email).values(contact_email="")
    )


def revisions_mentioning(user: User) -> list[PracticeRevision]:
    """Revisions whose snapshot holds the person's e-mail (as author) or name (as contact)."""
    snapshot = cast(PracticeRevision.snapshot, String)
    needles = {text for value in (user.email, user.name) if value for text in as_stored(value)}
    found = or_(*(snapshot.contains(needle, autoescape=True) for needle in needles))
    return list(db.session.scalars(select(PracticeRevision).where(found)))


def as_stored(text: str) -> set[str]:
    """`text` as it may appear inside stored JSON: as is, or with non-ASCII letters escaped."""
    return {text, json.dumps(text)[1:-1]}


def scrubbed_snapshot(snapshot: dict, user: User) -> dict:
    """A copy of the snapshot without the person as author or contact (a new dict, so the
    JSON column sees the change)."""
    record = dict(snapshot)
    if record.get("author") == user.email:
        record["author"] = None
    contact = dict(record.get("contact") or {})
    if contact.get("person") == user.name:
        contact["person"] = ""
    if contact.get("email") == user.email:
        contact["email"] = ""
    if "contact" in record:
        record["contact"] = contact
    return record
