"""Search benchmark corpus: generated practices with realistic facts, inserted in bulk."""

import bisect
import itertools
import random
import sys
from datetime import UTC, datetime, timedelta

from search_vocabulary import (
    CITY_MUNICIPALITIES,
    REGION_STEMS,
    PlaceNames,
    language_models,
    municipality_names,
    place_stems,
    source_practices,
)

BATCH = 1000

#: Practices per region, roughly as in the real library (oblasts by population and activity).
REGION_WEIGHTS = {
    "chui": 18,
    "osh": 17,
    "jalal-abad": 17,
    "issyk-kul": 11,
    "batken": 9,
    "naryn": 9,
    "talas": 7,
    "bishkek": 6,
    "osh-city": 6,
}
#: Topics are skewed: waste and budgets are written up far more often than health or culture.
TOPIC_WEIGHTS = {
    "waste-management": 20,
    "citizen-budget": 16,
    "street-lighting": 12,
    "water-supply": 12,
    "joint-action-plan": 10,
    "landscaping": 8,
    "private-sector": 7,
    "training": 6,
    "digitalization": 5,
    "education": 4,
    "procurement": 4,
    "inter-municipal-cooperation": 3,
    "health": 3,
    "culture": 3,
}
TOPIC_COUNT_WEIGHTS = {1: 50, 2: 35, 3: 15}
LANGUAGE_WEIGHTS = {("ky", "ru"): 40, ("ky",): 25, ("ru",): 20, ("ky", "ru", "en"): 15}
YEAR_WEIGHTS = {year: 10 + 3 * (year - 2015) for year in range(2015, 2026)}
DISTRICT_SHARE = 0.7
PARTNER_WEIGHTS = {
    "": 55,
    "Хельветас": 20,
    "Хельветас; Өнүктүрүү саясаты институту": 15,
    "Өнүктүрүү саясаты институту": 10,
}


def progress(message: str) -> None:
    """A progress line on stderr."""
    print(f"  … {message}", file=sys.stderr, flush=True)


class Weighted:
    """A fast weighted choice over fixed options."""

    def __init__(self, weights: dict):
        self.options = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random):
        """One option, drawn by weight."""
        point = rng.random() * self.cumulative[-1]
        return self.options[bisect.bisect_right(self.cumulative, point)]

    def distinct(self, rng: random.Random, count: int) -> list:
        """`count` different options, drawn by weight."""
        chosen: list = []
        while len(chosen) < count:
            option = self.pick(rng)
            if option not in chosen:
                chosen.append(option)
        return chosen


class CorpusGenerator:
    """Practices with realistic facts and texts; the same seed gives the same library."""

    def __init__(self, seed: int, reference: dict):
        records = source_practices()
        self.rng = random.Random(seed)
        self.municipalities = municipality_names(records)
        pool = [name.split()[0] for name in self.municipalities]
        places = PlaceNames(place_stems(records), [n for n in pool if n not in REGION_STEMS])
        self.models = language_models(records, places)
        self.reference = reference
        self.regions = Weighted(REGION_WEIGHTS)
        self.topics = Weighted(TOPIC_WEIGHTS)
        self.topic_count = Weighted(TOPIC_COUNT_WEIGHTS)
        self.languages = Weighted(LANGUAGE_WEIGHTS)
        self.years = Weighted(YEAR_WEIGHTS)
        self.partners = Weighted(PARTNER_WEIGHTS)

    def practice(self, number: int) -> tuple[dict, list[dict], list[dict]]:
        """(practice row, translation rows, practice_topic rows) of practice `number`."""
        rng, reference = self.rng, self.reference
        region = self.regions.pick(rng)
        districts = reference["districts"][region]
        district = rng.choice(districts) if districts and rng.random() < DISTRICT_SHARE else None
        municipality = CITY_MUNICIPALITIES.get(region) or rng.choice(self.municipalities)
        year = self.years.pick(rng)
        published = datetime(year, 1, 1, 8, tzinfo=UTC) + timedelta(minutes=rng.randrange(525000))
        row = {
            "id": number,
            "slug": f"bench-{number:06d}",
            "status": "published",
            "region_id": reference["regions"][region],
            "district_id": district,
            "municipality": municipality,
            "year": year,
            "partners": self.partners.pick(rng),
            "budget_amount": rng.randrange(100, 50000) * 1000,
            "created_at": published,
            "updated_at": published,
            "published_at": published,
        }
        home = municipality.split()[0]
        languages = self.languages.pick(rng)
        translations = [self.translation(number, lang, home) for lang in languages]
        topics = self.topics.distinct(rng, self.topic_count.pick(rng))
        links = [{"practice_id": number, "topic_id": reference["topics"][t]} for t in topics]
        return row, translations, links

    def translation(self, number: int, language: str, home: str) -> dict:
        """The texts of one practice in one language: about 300 words in all."""
        model, rng = self.models[language], self.rng
        return {
            "practice_id": number,
            "language": language,
            "title": model.title(rng, home),
            "summary": model.summary(rng, home),
            "problem": model.paragraph(rng, home, 35),
            "actions": model.paragraph(rng, home, 55),
            "results": model.paragraph(rng, home, 35),
            "lessons": model.paragraph(rng, home, 20),
            "body": model.paragraphs(rng, home, 130),
        }


def reference_ids() -> dict:
    """Database ids of regions, districts (per region code) and topics."""
    from portal.extensions import db
    from portal.models import District, Region, Topic

    regions = {region.code: region.id for region in db.session.scalars(db.select(Region))}
    districts: dict[str, list[int]] = {code: [] for code in regions}
    by_id = {region_id: code for code, region_id in regions.items()}
    for district in db.session.scalars(db.select(District).order_by(District.id)):
        districts[by_id[district.region_id]].append(district.id)
    topics = {topic.code: topic.id for topic in db.session.scalars(db.select(Topic))}
    return {"regions": regions, "districts": districts, "topics": topics}


def insert_corpus(generator: CorpusGenerator, size: int) -> int:
    """Insert `size` practices in batches with bulk INSERTs; return the translations written."""
    from sqlalchemy import insert

    from portal.extensions import db
    from practices.models import Practice, PracticeTranslation, practice_topic

    documents = 0
    for start in range(1, size + 1, BATCH):
        practices, translations, links = [], [], []
        for number in range(start, min(size, start + BATCH - 1) + 1):
            row, texts, topics = generator.practice(number)
            practices.append(row)
            translations += texts
            links += topics
        db.session.execute(insert(Practice), practices)
        db.session.execute(insert(PracticeTranslation), translations)
        db.session.execute(practice_topic.insert(), links)
        db.session.commit()
        documents += len(translations)
        progress(f"inserted {min(size, start + BATCH - 1)}/{size}")
    return documents
