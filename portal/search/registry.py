"""The searchable types: what each feature puts into the index and how to find it again."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class SearchDocument:
    """One entity in one language, as the index sees it."""

    kind: str
    entity_id: int
    slug: str
    language: str
    title: str
    summary: str = ""
    body: str = ""
    #: Further text found with the entity, such as attached files: (language, text) pairs.
    extra: Sequence[tuple[str, str]] = ()
    region: str = ""
    topics: Sequence[str] = ()
    year: int | None = None
    date: datetime | None = None


@dataclass
class SearchableType:
    """A kind of entity the portal searches (practice, course, lesson) and its hooks.

    `watched` maps every model class whose changes alter the entity's documents to a function
    giving the entity id (or a list of ids) from an instance; `documents` returns the current
    documents of the given ids (an id without documents leaves the index); `indexed_ids` lists
    the ids that belong in the index; `url` builds the address of a result.
    """

    kind: str
    label: Any
    watched: dict[type, Callable[[Any], int | list[int] | None]]
    documents: Callable[[Sequence[int]], dict[int, list[SearchDocument]]]
    indexed_ids: Callable[[], Iterable[int]]
    url: Callable[[str, str], str]
    order: int = field(default=100)


_types: dict[str, SearchableType] = {}


def register_searchable(searchable: SearchableType) -> None:
    """Add (or replace) a searchable type; feature packages call this from init_app."""
    _types[searchable.kind] = searchable


def searchable_types() -> list[SearchableType]:
    """The registered types in display order."""
    return sorted(_types.values(), key=lambda searchable: (searchable.order, searchable.kind))


def searchable_type(kind: str) -> SearchableType | None:
    """The registered type called `kind`, if any."""
    return _types.get(kind)


def entity_ids_for(instance: Any) -> list[tuple[str, int]]:
    """(kind, entity id) of every indexed entity a changed model instance affects (a lesson
    change affects the lesson and its course; a course change, its lessons too)."""
    found = []
    for searchable in _types.values():
        for model, entity_ids in searchable.watched.items():
            if isinstance(instance, model):
                ids = entity_ids(instance)
                ids = ids if isinstance(ids, list) else [ids]
                found += [(searchable.kind, entity_id) for entity_id in ids if entity_id]
    return found
