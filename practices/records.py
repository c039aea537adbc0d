"""The practice record: one dict shape for import, export, the API and revision snapshots."""

import re

from portal.extensions import db
from portal.models import District, Region, Topic, User
from practices.models import BudgetSource, Practice, PracticeTranslation, Status

LANGUAGES = ("ky", "ru", "en")
TEXT_FIELDS = ("title", "summary", "problem", "actions", "results", "lessons", "body")
REQUIRED_FIELDS = ("slug", "region", "topics", "year", "status")
KNOWN_FIELDS = set(REQUIRED_FIELDS) | {
    "district",
    "municipality",
    "year_end",
    "contact",
    "budget",
    "partners",
    "related",
    "translations",
    "author",
}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LENGTHS = {"title": 200, "summary": 300}
YEARS = range(1991, 2101)


class RecordError(ValueError):
    """A record that cannot be imported, with every problem found in it."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def practice_to_record(practice: Practice) -> dict:
    """Everything language-independent and every translation of `practice`, as plain data."""
    return {
        "slug": practice.slug,
        "region": practice.region.code,
        "district": practice.district.code if practice.district else None,
        "municipality": practice.municipality,
        "topics": [topic.code for topic in practice.topics],
        "year": practice.year,
        "year_end": practice.year_end,
        "status": practice.status,
        "author": author_email(practice),
        "contact": {
            "organisation": practice.contact_organisation,
            "person": practice.contact_person,
            "phone": practice.contact_phone,
            "email": practice.contact_email,
        },
        "budget": {"amount": practice.budget_amount, "source": practice.budget_source},
        "partners": practice.partners,
        "related": sorted(other.slug for other in practice.related),
        "translations": {
            t.language: {field: getattr(t, field) for field in TEXT_FIELDS}
            for t in sorted(practice.translations, key=lambda t: LANGUAGES.index(t.language))
        },
    }


def author_email(practice: Practice) -> str | None:
    """The author's address, which identifies them on import; none for a deleted account."""
    author = practice.author
    return author.email if author is not None and not author.is_deleted else None


def check_record(record) -> list[str]:
    """Return every problem that keeps `record` from being imported (empty when it is fine)."""
    if not isinstance(record, dict):
        return ["the record is not a JSON object"]
    problems = [
        f"{field}: required" for field in REQUIRED_FIELDS if record.get(field) in (None, "")
    ]
    problems += _check_codes(record)
    problems += _check_numbers(record)
    problems += _check_translations(record.get("translations"))
    return problems


def _check_codes(record: dict) -> list[str]:
    problems = []
    slug = record.get("slug")
    if slug and (not isinstance(slug, str) or len(slug) > 80 or not SLUG_PATTERN.match(slug)):
        problems.append(f"slug: {slug!r} must be lower-case latin letters, digits and hyphens")
    region = _region(record.get("region"))
    if record.get("region") and region is None:
        problems.append(f"region: unknown code {record.get('region')!r}")
    if (
        region is not None
        and record.get("district")
        and _district(region, record["district"]) is None
    ):
        problems.append(f"district: unknown code {record['district']!r} in {region.code}")
    topics = record.get("topics")
    if topics is not None and (not isinstance(topics, list) or not topics):
        problems.append("topics: must be a non-empty list of topic codes")
    elif topics:
        problems += [f"topics: unknown code {code!r}" for code in topics if _topic(code) is None]
    if record.get("status") and record["status"] not in set(Status):
        problems.append(f"status: must be one of {', '.join(Status)}")
    return problems


def _check_numbers(record: dict) -> list[str]:
    problems = []
    for field in ("year", "year_end"):
        value = record.get(field)
        if value is not None and (type(value) is not int or value not in YEARS):
            problems.append(f"{field}: must be a year between 1991 and 2100")
    budget = record.get("budget") or {}
    if not isinstance(budget, dict):
        return problems + ["budget: must be an object with amount and source"]
    amount = budget.get("amount")
    if amount is not None and (type(amount) is not int or amount < 0):
        problems.append("budget.amount: must be a whole number of som, 0 or more")
    if budget.get("source") not in (None, "", *BudgetSource):
        problems.append(f"budget.source: must be one of {', '.join(BudgetSource)}")
    return problems


def _check_translations(translations) -> list[str]:
    if not isinstance(translations, dict) or not translations:
        return ["translations: at least one of ky, ru, en is required"]
    problems = []
    for language, texts in translations.items():
        if language not in LANGUAGES:
            problems.append(f"translations: unknown language {language!r}")
            continue
        if not isinstance(texts, dict):
            problems.append(f"translations.{language}: must be an object")
            continue
        for field in ("title", "body"):
            if not isinstance(texts.get(field), str) or not texts[field].strip():
                problems.append(f"translations.{language}.{field}: required")
        for field, limit in MAX_LENGTHS.items():
            if isinstance(texts.get(field), str) and len(texts[field]) > limit:
                problems.append(f"translations.{language}.{field}: longer than {limit} characters")
    return problems


def apply_record(practice: Practice, record: dict) -> None:
    """Make `practice` say exactly what `record` says (relations to other slugs excepted)."""
    problems = check_record(record)
    if problems:
        raise RecordError(problems)
    region = _region(record["region"])
    practice.slug = record["slug"]
    practice.region = region
    practice.district = (
        _district(region, record.get("district")) if record.get("district") else None
    )
    practice.municipality = (record.get("municipality") or "").strip()
    topics = [_topic(code) for code in dict.fromkeys(record["topics"])]
    practice.topics = sorted(topics, key=lambda topic: topic.position)  # as the list reloads
    practice.year, practice.year_end = record["year"], record.get("year_end")
    practice.status = record["status"]
    _apply_contact_and_budget(practice, record)
    if record.get("author"):
        practice.author = (
            db.session.execute(
                db.select(User).filter_by(email=record["author"].strip().lower())
            ).scalar_one_or_none()
            or practice.author
        )
    _apply_translations(practice, record["translations"])


def _apply_contact_and_budget(practice: Practice, record: dict) -> None:
    contact = record.get("contact") or {}
    practice.contact_organisation = (contact.get("organisation") or "").strip()
    practice.contact_person = (contact.get("person") or "").strip()
    practice.contact_phone = (contact.get("phone") or "").strip()
    practice.contact_email = (contact.get("email") or "").strip()
    budget = record.get("budget") or {}
    practice.budget_amount = budget.get("amount")
    practice.budget_source = budget.get("source") or None
    practice.partners = (record.get("partners") or "").strip()


def _apply_translations(practice: Practice, translations: dict) -> None:
    existing = {t.language: t for t in practice.translations}
    for language in LANGUAGES:
        texts = translations.get(language)
        if texts is None:
            if language in existing:
                practice.translations.remove(existing[language])
            continue
        translation = existing.get(language) or PracticeTranslation(language=language)
        for field in TEXT_FIELDS:
            setattr(translation, field, (texts.get(field) or "").strip())
        if language not in existing:
            practice.translations.append(translation)


def apply_relations(practice: Practice, slugs: list[str]) -> list[str]:
    """Link `practice` to the practices named by slug; return the slugs that do not exist."""
    found = db.session.execute(db.select(Practice).where(Practice.slug.in_(slugs or []))).scalars()
    related = [other for other in found if other.id != practice.id]
    practice.related = related
    return sorted(set(slugs or []) - {other.slug for other in related} - {practice.slug})


def unknown_fields(record: dict) -> list[str]:
    """Top-level keys this portal does not know (reported, not fatal)."""
    return sorted(set(record) - KNOWN_FIELDS) if isinstance(record, dict) else []


def _region(code) -> Region | None:
    if not isinstance(code, str):
        return None
    return db.session.execute(db.select(Region).filter_by(code=code)).scalar_one_or_none()


def _district(region: Region, code) -> District | None:
    if not isinstance(code, str):
        return None
    return next((district for district in region.districts if district.code == code), None)


def _topic(code) -> Topic | None:
    if not isinstance(code, str):
        return None
    return db.session.execute(db.select(Topic).filter_by(code=code)).scalar_one_or_none()
