"""What the library puts into the search index: one document per published practice and language.

A document holds the practice's texts in that language, its place names and topics in that
language (so "Нарын" finds practices from Naryn Region even when the text never names it) and
the text of its attached PDF, DOCX and XLSX files.
"""

from collections.abc import Sequence

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.search import SearchableType, SearchDocument
from portal.search.analysis import text_language
from portal.uploads.text import stored_text
from practices.models import Practice, PracticeAttachment, PracticeTranslation, Status

#: The parts of a translation that make up its searchable body, in reading order.
BODY_FIELDS = ("problem", "actions", "results", "lessons", "body")


def practice_documents(ids: Sequence[int]) -> dict[int, list[SearchDocument]]:
    """The current documents of these practices; unpublished ones have none (they leave)."""
    query = (
        select(Practice)
        .where(Practice.id.in_(ids), Practice.status == Status.PUBLISHED)
        .options(
            selectinload(Practice.translations),
            selectinload(Practice.topics),
            selectinload(Practice.attachments).selectinload(PracticeAttachment.stored_file),
            selectinload(Practice.region),
            selectinload(Practice.district),
        )
    )
    return {practice.id: documents_of(practice) for practice in db.session.execute(query).scalars()}


def documents_of(practice: Practice) -> list[SearchDocument]:
    """One document per translation, with the attachments' text in the best-fitting one."""
    attached = attachment_texts(practice)
    documents = []
    for translation in practice.translations:
        language = translation.language
        documents.append(
            SearchDocument(
                kind="practice",
                entity_id=practice.id,
                slug=practice.slug,
                language=language,
                title=translation.title,
                summary=translation.summary,
                body=body_text(practice, translation),
                extra=attached.get(language, []),
                region=practice.region.code,
                topics=[topic.code for topic in practice.topics],
                year=practice.year,
                date=practice.published_at or practice.created_at,
            )
        )
    return documents


def body_text(practice: Practice, translation: PracticeTranslation) -> str:
    """The translation's texts followed by who, where and what it is about in that language."""
    language = translation.language
    places = [practice.region.name_in(language), practice.municipality]
    if practice.district is not None:
        places.append(practice.district.name_in(language))
    parts = [getattr(translation, name) for name in BODY_FIELDS]
    parts += places + [topic.name_in(language) for topic in practice.topics]
    parts += [practice.partners, practice.contact_organisation]
    parts += [item.title for item in practice.attachments]
    return "\n\n".join(part for part in parts if part)


def attachment_texts(practice: Practice) -> dict[str, list[tuple[str, str]]]:
    """(language, text) of attachments by the translation they join: their own, else the first."""
    languages = practice.languages
    joined: dict[str, list[tuple[str, str]]] = {}
    for item in practice.attachments:
        text = stored_text(item.stored_file)
        if text and languages:
            language = text_language(text)
            home = language if language in languages else languages[0]
            joined.setdefault(home, []).append((language, text))
    return joined


def indexed_practice_ids() -> list[int]:
    """Every practice that belongs in the index: the published ones."""
    return list(db.session.scalars(select(Practice.id).where(Practice.status == Status.PUBLISHED)))


def practice_url(slug: str, language: str) -> str:
    """The address of a practice in the language a result was found in."""
    return url_for("practices.detail", slug=slug, lang=language)


SEARCHABLE_PRACTICE = SearchableType(
    kind="practice",
    label=_l("Practice"),
    watched={
        Practice: lambda practice: practice.id,
        PracticeTranslation: lambda translation: translation.practice_id,
        PracticeAttachment: lambda item: item.practice_id,
    },
    documents=practice_documents,
    indexed_ids=indexed_practice_ids,
    url=practice_url,
    order=10,
)


def practice_card(slug: str, language: str):
    """A card of a published practice for pages of other features (a lesson citing it)."""
    from portal.cards import Card
    from portal.i18n import pick_translation
    from practices.services import practice_by_slug

    practice = practice_by_slug(slug)
    if practice is None or practice.status != Status.PUBLISHED:
        return None
    text = pick_translation(practice.translations, language)
    meta = f"{practice.region.name_in(language)} · {practice.year}"
    url = url_for("practices.detail", slug=slug, lang=text.language)
    return Card(text.title, text.summary, url, text.language, meta)
