"""Every committed change to a searchable entity leaves a changelog row in its own transaction."""

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from portal.models import utcnow
from portal.search.models import SearchChange
from portal.search.registry import entity_ids_for

#: Session.info key: the transaction wrote changelog rows (apply them after commit).
WROTE_KEY = "search_changelog_written"
PENDING_KEY = "search_changelog_pending"


def changed_entities(session: Session) -> set[tuple[str, int]]:
    """The (kind, id) of every searchable entity touched by the flush in progress."""
    touched = set()
    candidates = list(session.new) + list(session.deleted)
    candidates += [obj for obj in session.dirty if session.is_modified(obj)]
    for instance in candidates:
        touched.update(entity_ids_for(instance))
    return touched


@event.listens_for(Session, "after_flush")
def _write_changelog(session: Session, _flush_context) -> None:
    # After the flush new rows have their ids, and the rows below join the same transaction,
    # so a change and its changelog row are committed (or rolled back) together.
    touched = changed_entities(session)
    if not touched:
        return
    now = utcnow()
    rows = [
        {"kind": kind, "entity_id": entity_id, "created_at": now} for kind, entity_id in touched
    ]
    session.connection().execute(insert(SearchChange), sorted(rows, key=lambda r: r["entity_id"]))
    session.info[WROTE_KEY] = True


@event.listens_for(Session, "after_commit")
def _remember_pending(session: Session) -> None:
    if session.info.pop(WROTE_KEY, False):
        session.info[PENDING_KEY] = True


@event.listens_for(Session, "after_rollback")
def _forget_written(session: Session) -> None:
    session.info.pop(WROTE_KEY, None)


def take_pending(session: Session) -> bool:
    """True once after a commit that wrote changelog rows (then the index should catch up)."""
    return bool(session.info.pop(PENDING_KEY, False))
