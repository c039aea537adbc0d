"""Dashboard benchmark data: a seeded programme of learners, courses, their records, practices
and a search log, inserted with bulk INSERTs. The same seed gives the same programme (its dates
are relative to today, so the default 365-day period always holds about a third of it)."""

import random
from datetime import UTC, datetime, timedelta

from search_corpus import TOPIC_WEIGHTS, CorpusGenerator, Weighted, insert_corpus, reference_ids

LEARNERS = 10_000
TRAINERS = 12
COURSES = 50
DRAFTS = 5  # the last courses are drafts nobody takes
PRACTICES = 300
SEARCHES = 20_000
BATCH = 5_000
HISTORY_DAYS = 3 * 365
#: Learners per region, roughly by population; None: region not stated.
LEARNER_REGIONS = {
    "chui": 16,
    "osh": 16,
    "jalal-abad": 16,
    "bishkek": 14,
    "batken": 8,
    "issyk-kul": 8,
    "osh-city": 6,
    "naryn": 6,
    "talas": 5,
    None: 5,
}
GENDERS = {"female": 42, "male": 48, None: 10}
DISTRICT_SHARE = 0.85
COURSES_PER_LEARNER = {0: 10, 1: 25, 2: 30, 3: 20, 4: 10, 5: 5}
COMPLETION_SHARE = 0.45
QUIZ_SHARE = 0.6  # courses whose last lesson is a quiz
RESULT_COUNTS = (0, 0, 1, 2, 5, 12, 40, 150)
REGION_PICK, GENDER_PICK = Weighted(LEARNER_REGIONS), Weighted(GENDERS)
COUNT_PICK = Weighted(COURSES_PER_LEARNER)


def fill_database(seed: int) -> str:
    """Create the schema and the whole programme; return the administrator's session token."""
    from portal.extensions import db
    from portal.reference_data import load_reference_data

    db.create_all()
    load_reference_data()
    rng, now = random.Random(seed), datetime.now(UTC)
    reference = reference_ids()
    learners = insert_users(rng, reference, now)
    lessons = insert_courses(rng, reference, now)
    insert_learning(rng, learners, lessons, now)
    insert_corpus(CorpusGenerator(seed, reference), PRACTICES)
    insert_searches(rng, now)
    return "bench-admin"


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert rows in batches and commit."""
    from sqlalchemy import insert

    from portal.extensions import db

    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])
    db.session.commit()


def user_row(number: int, role: str, created_at: datetime, **place) -> dict:
    """An account row (nobody logs in with a password here)."""
    return {
        "id": number,
        "email": f"{role}{number}@bench.example.kg",
        "name": f"{role.title()} {number}",
        "password_hash": "!",
        "role": role,
        "language": "ky",
        "session_token": "bench-admin" if role == "admin" else f"bench-{number}",
        "created_at": created_at,
        "region_id": None,
        "district_id": None,
        "gender": None,
    } | place


def learner_place(rng: random.Random, reference: dict) -> dict:
    """A learner's region, district and gender, some of them not stated."""
    region = REGION_PICK.pick(rng)
    districts = reference["districts"].get(region) or []
    district = rng.choice(districts) if districts and rng.random() < DISTRICT_SHARE else None
    region_id = reference["regions"][region] if region else None
    return {"region_id": region_id, "district_id": district, "gender": GENDER_PICK.pick(rng)}


def insert_users(rng: random.Random, reference: dict, now: datetime) -> list[tuple]:
    """The administrator, the trainers and the learners; returns (id, registered) of learners."""
    from portal.models import User

    start = now - timedelta(days=HISTORY_DAYS)
    rows = [user_row(1, "admin", start)]
    rows += [user_row(2 + n, "trainer", start) for n in range(TRAINERS)]
    learners = []
    for number in range(2 + TRAINERS, 2 + TRAINERS + LEARNERS):
        # more recent registrations than old ones: the programme grows
        registered = now - timedelta(days=HISTORY_DAYS * rng.random() ** 1.5)
        rows.append(user_row(number, "learner", registered, **learner_place(rng, reference)))
        learners.append((number, registered))
    bulk_insert(User, rows)
    return learners


def course_rows(number: int, topics: list, now: datetime) -> tuple[dict, list[dict]]:
    """A course row and its titles in Kyrgyz and Russian, named after its first topic."""
    first = topics[0]
    course = {
        "id": number,
        "slug": f"bench-course-{number:02d}",
        "status": "draft" if number > COURSES - DRAFTS else "published",
        "author_id": 2 + number % TRAINERS,
        "created_at": now - timedelta(days=HISTORY_DAYS),
        "published_at": now - timedelta(days=HISTORY_DAYS),
    }
    titles = [
        {"course_id": number, "language": "ky", "title": f"{first.name_ky}: {number}-курс"},
        {"course_id": number, "language": "ru", "title": f"{first.name_ru}: курс {number}"},
    ]
    return course, titles


def insert_courses(rng: random.Random, reference: dict, now: datetime) -> dict[int, list]:
    """50 courses of one or two sections and 5–10 lessons; returns (id, is quiz) per course."""
    from courses.models import Course, CourseTranslation, Lesson, Section, course_topic
    from portal.extensions import db
    from portal.models import Topic

    topics = {topic.code: topic for topic in db.session.scalars(db.select(Topic))}
    courses, titles, links, sections, lessons = [], [], [], [], []
    by_course: dict[int, list] = {}
    for number in range(1, COURSES + 1):
        codes = Weighted(TOPIC_WEIGHTS).distinct(rng, rng.choice((1, 1, 2)))
        course, texts = course_rows(number, [topics[code] for code in codes], now)
        courses.append(course)
        titles += texts
        links += [{"course_id": number, "topic_id": topics[code].id} for code in codes]
        count, quiz = rng.randint(5, 10), rng.random() < QUIZ_SHARE
        section_ids = [number * 2, number * 2 + 1] if count > 6 else [number * 2]
        sections += [{"id": s, "key": f"s{s}", "course_id": number} for s in section_ids]
        by_course[number] = []
        for position in range(count):
            lesson_id, is_quiz = number * 100 + position, quiz and position == count - 1
            section = section_ids[position * len(section_ids) // count]
            lessons.append(lesson_row(lesson_id, number, section, position, is_quiz))
            by_course[number].append((lesson_id, is_quiz))
    for model, rows in ((Course, courses), (CourseTranslation, titles), (Section, sections)):
        bulk_insert(model, rows)
    bulk_insert(course_topic, links)
    bulk_insert(Lesson, lessons)
    return {number: found for number, found in by_course.items() if number <= COURSES - DRAFTS}


def lesson_row(lesson_id: int, course_id: int, section_id: int, position: int, quiz: bool):
    """A lesson row: a reading, or the course's closing quiz."""
    kind = "quiz" if quiz else "text"
    return {"id": lesson_id, "key": f"l{lesson_id}", "course_id": course_id, "kind": kind,
            "section_id": section_id, "position": position, "practice_slugs": []}  # fmt: skip


def insert_learning(rng: random.Random, learners: list, lessons: dict, now: datetime) -> None:
    """Enrolments, completed lessons, quiz attempts and course completions of every learner."""
    from courses.models import Enrolment, LessonProgress, QuizAttempt

    popular = Weighted({course: 1 / rank for rank, course in enumerate(lessons, start=1)})
    records: dict[str, list] = {"enrolments": [], "progress": [], "attempts": []}
    for user_id, registered in learners:
        taken = popular.distinct(rng, COUNT_PICK.pick(rng))
        for course_id in taken:
            enrol_at = registered + (now - registered) * rng.random() ** 2
            take_course(rng, records, (user_id, course_id), lessons[course_id], enrol_at, now)
    bulk_insert(Enrolment, records["enrolments"])
    bulk_insert(LessonProgress, records["progress"])
    bulk_insert(QuizAttempt, records["attempts"])


def take_course(rng, records: dict, who: tuple, lessons: list, enrolled_at, now) -> None:
    """One enrolment: lessons done in order, a few hours to days apart, never in the future."""
    user_id, course_id = who
    wanted = len(lessons) if rng.random() < COMPLETION_SHARE else rng.randrange(len(lessons))
    moment, done = enrolled_at, 0
    for lesson_id, is_quiz in lessons[:wanted]:
        step = moment + timedelta(hours=rng.uniform(1, 96))
        if step > now:
            break
        moment, done = step, done + 1
        row = {"user_id": user_id, "lesson_id": lesson_id, "course_id": course_id}
        records["progress"].append(row | {"completed_at": moment})
        if is_quiz:
            for attempt in range(rng.choice((1, 1, 2, 3)), 0, -1):
                records["attempts"].append(attempt_row(row, moment, passed=attempt == 1))
    finished = moment if done == len(lessons) else None
    records["enrolments"].append(
        {"user_id": user_id, "course_id": course_id, "enrolled_at": enrolled_at,
         "last_activity_at": moment, "completed_at": finished}
    )  # fmt: skip


def attempt_row(progress: dict, moment: datetime, passed: bool) -> dict:
    """A quiz attempt: a pass at the completion time, or an earlier fail."""
    percent = 85 if passed else 40
    return progress | {
        "submitted_at": moment if passed else moment - timedelta(minutes=20),
        "score": percent / 25,
        "max_score": 4.0,
        "percent": percent,
        "passed": passed,
        "answers": {},
        "points": {},
    }


def search_texts() -> list[str]:
    """What people search for: topics and regions in three languages, and some typos."""
    from portal.extensions import db
    from portal.models import Region, Topic

    texts = []
    for model in (Topic, Region):
        for item in db.session.scalars(db.select(model)):
            texts += [item.name_ky.lower(), item.name_ru.lower(), item.name_en.lower()]
    return texts + ["таштадны", "освещенеие", "жарандык бюжет", "bugdet", "көпүрө", "мост"]


def insert_searches(rng: random.Random, now: datetime) -> None:
    """A search log over the last two years, a few queries far more frequent than the rest."""
    from portal.search.models import SearchQuery

    texts = search_texts()
    results = {text: rng.choice(RESULT_COUNTS) for text in texts}
    frequent = Weighted({text: 1 / rank for rank, text in enumerate(texts, start=1)})
    rows = []
    for _ in range(SEARCHES):
        text = frequent.pick(rng)
        language = "en" if text.isascii() else rng.choice(("ky", "ky", "ru"))
        rows.append(
            {"text": text, "language": language, "results": results[text],
             "duration_ms": rng.randint(5, 200),
             "created_at": now - timedelta(days=730 * rng.random())}
        )  # fmt: skip
    bulk_insert(SearchQuery, rows)


def row_counts() -> dict[str, int]:
    """How many of each thing the database holds."""
    from sqlalchemy import func, select

    from courses.models import Course, Enrolment, Lesson, LessonProgress, QuizAttempt
    from portal.extensions import db
    from portal.models import User
    from portal.search.models import SearchQuery
    from practices.models import Practice

    def count(query) -> int:
        return db.session.scalar(query)

    return {
        "learners": count(select(func.count()).where(User.role == "learner")),
        "courses": count(select(func.count()).select_from(Course)),
        "lessons": count(select(func.count()).select_from(Lesson)),
        "enrolments": count(select(func.count()).select_from(Enrolment)),
        "completions": count(select(func.count(Enrolment.completed_at))),
        "completed lessons": count(select(func.count()).select_from(LessonProgress)),
        "quiz attempts": count(select(func.count()).select_from(QuizAttempt)),
        "practices": count(select(func.count()).select_from(Practice)),
        "searches": count(select(func.count()).select_from(SearchQuery)),
    }
