"""Work the load test does inside the portal (run with the instance's PORTAL_* environment).

    python benchmarks/load/portal_tasks.py populate OUT.json --practices 1000 --learners 2000
    python benchmarks/load/portal_tasks.py touch-practices
    python benchmarks/load/portal_tasks.py check-records ACKNOWLEDGED.jsonl
    python benchmarks/load/portal_tasks.py count-uploads

`populate` adds generated practices (the search benchmark's corpus), learner and trainer
accounts, and learners who already finished the demo courses (so certificates exist to verify),
then writes what the simulated users need to OUT.json. `touch-practices` queues every practice
for reindexing, as a bulk import would. `check-records` looks up every acknowledged record.
`count-uploads` prints how many stored files and practice attachments the database holds.
"""

import argparse
import json
import random
import secrets
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/: corpus generator

from search_corpus import CorpusGenerator, reference_ids  # noqa: E402

TRAINERS = 4
FINISHED_LEARNERS = 100
LEARNER_DOMAIN = "load.example.kg"
BATCH = 1000


def portal_app():
    """The portal app configured from the environment, as gunicorn's workers see it."""
    from portal import create_app

    return create_app()


def populate(out: Path, practices: int, learners: int, seed: int) -> None:
    """Fill the instance and write the simulated users' accounts and addresses to `out`."""
    from portal.extensions import db

    app = portal_app()
    with app.app_context():
        rng = random.Random(seed)
        password = secrets.token_urlsafe(12)
        insert_practices(practices, seed)
        emails = insert_learners(rng, learners, password)
        trainers = create_trainers(password)
        codes = finish_demo_courses(emails[:FINISHED_LEARNERS])
        reset_sequences()
        details = {
            "password": password,
            "learners": emails[FINISHED_LEARNERS:],
            "trainers": trainers,
            "certificates": codes,
            "practices": published_slugs(),
            "courses": course_slugs(),
        }
        db.session.remove()
    out.write_text(json.dumps(details, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{practices} practices, {learners} learners, {len(codes)} certificates.")


def insert_practices(count: int, seed: int) -> None:
    """Generated practices after the demo ones, inserted in bulk (indexed by a rebuild)."""
    from sqlalchemy import func, insert, select

    from portal.extensions import db
    from practices.models import Practice, PracticeTranslation, practice_topic

    generator = CorpusGenerator(seed, reference_ids())
    offset = db.session.scalar(select(func.max(Practice.id))) or 0
    for start in range(1, count + 1, BATCH):
        rows, texts, links = [], [], []
        for number in range(start, min(count, start + BATCH - 1) + 1):
            row, translations, topics = generator.practice(number)
            shift_ids(offset, row, translations, topics)
            rows.append(row)
            texts += translations
            links += topics
        db.session.execute(insert(Practice), rows)
        db.session.execute(insert(PracticeTranslation), texts)
        db.session.execute(practice_topic.insert(), links)
        db.session.commit()


def shift_ids(offset: int, row: dict, translations: list[dict], topics: list[dict]) -> None:
    """Move a generated practice's id past the demo practices'."""
    row["id"] += offset
    for item in translations + topics:
        item["practice_id"] += offset


def insert_learners(rng: random.Random, count: int, password: str) -> list[str]:
    """Learner accounts sharing one password (hashed once, with the production cost)."""
    from sqlalchemy import insert

    from portal.auth.services import hash_password
    from portal.extensions import db
    from portal.models import User, new_session_token

    shared_hash = hash_password(password)
    regions = list(reference_ids()["regions"].values())
    now = datetime.now(UTC)
    rows = [
        {
            "email": f"learner{number:05d}@{LEARNER_DOMAIN}",
            "name": f"Окуучу {number}",
            "password_hash": shared_hash,
            "role": "learner",
            "language": rng.choice(("ky", "ky", "ru")),
            "region_id": rng.choice(regions),
            "session_token": new_session_token(),
            "created_at": now - timedelta(days=rng.randrange(700)),
        }
        for number in range(1, count + 1)
    ]
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(User), rows[start : start + BATCH])
    db.session.commit()
    return [row["email"] for row in rows]


def create_trainers(password: str) -> list[str]:
    """Trainers who may review, so they publish each other's practices."""
    from portal.auth.services import create_user

    emails = [f"trainer{number}@{LEARNER_DOMAIN}" for number in range(1, TRAINERS + 1)]
    for number, email in enumerate(emails, 1):
        create_user(email, password, f"Тренер {number}", role="trainer", is_reviewer=True)
    return emails


def finish_demo_courses(emails: list[str]) -> list[str]:
    """Take every published demo course to its end for these learners; their certificate codes."""
    from sqlalchemy import select

    from courses.models import Certificate, Course
    from portal.auth.services import find_user_by_email
    from portal.extensions import db

    courses = list(db.session.scalars(select(Course).filter_by(status="published")))
    for email in emails:
        for course in courses:
            take_course(find_user_by_email(email), course)
    return list(db.session.scalars(select(Certificate.code).order_by(Certificate.id)))


def take_course(user, course) -> None:
    """Enrol, complete the readings and pass the quizzes with the right answers."""
    from courses.services import quizzes
    from courses.services.progress import enrol, mark_lesson_complete

    enrol(user, course)
    for lesson in course.lessons:
        if lesson.is_quiz:
            answers = quizzes.Answers(
                choices={q.id: [c.id for c in q.choices if c.is_correct] for q in lesson.questions},
                numbers={q.id: str(q.numeric_answer) for q in lesson.questions},
            )
            quizzes.submit_attempt(user, lesson, answers, "ky")
        else:
            mark_lesson_complete(user, lesson, "ky")


def reset_sequences() -> None:
    """After inserts with explicit ids, let PostgreSQL's sequences continue past them."""
    from sqlalchemy import text

    from portal.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    for table in ("practice", "user_account"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )
    db.session.commit()


def published_slugs() -> list[str]:
    """Slugs of the published practices."""
    from sqlalchemy import select

    from portal.extensions import db
    from practices.models import Practice

    query = select(Practice.slug).filter_by(status="published").order_by(Practice.id)
    return list(db.session.scalars(query))


def course_slugs() -> list[str]:
    """Slugs of the published courses."""
    from sqlalchemy import select

    from courses.models import Course
    from portal.extensions import db

    return list(db.session.scalars(select(Course.slug).filter_by(status="published")))


def touch_practices() -> None:
    """Queue every practice for reindexing in one transaction, as a bulk import does."""
    from sqlalchemy import insert, select

    from portal.extensions import db
    from portal.models import utcnow
    from portal.search.models import SearchChange
    from practices.models import Practice

    app = portal_app()
    with app.app_context():
        ids = list(db.session.scalars(select(Practice.id).order_by(Practice.id)))
        now = utcnow()
        rows = [{"kind": "practice", "entity_id": i, "created_at": now} for i in ids]
        db.session.execute(insert(SearchChange), rows)
        db.session.commit()
    print(f"{len(ids)} practices queued for reindexing.")


def check_records(path: Path) -> None:
    """Print, as JSON, how many acknowledged records the database holds, and which it lacks."""
    app = portal_app()
    acknowledged = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    with app.app_context():
        missing = [record for record in acknowledged if not record_exists(record)]
    report = {
        "acknowledged": dict(Counter(record["kind"] for record in acknowledged)),
        "found": dict(Counter(r["kind"] for r in acknowledged if r not in missing)),
        "missing": missing[:50],
        "missing_count": len(missing),
    }
    print(json.dumps(report, ensure_ascii=False))


def record_exists(record: dict) -> bool:
    """Whether the enrolment, completion or quiz attempt the server acknowledged is stored."""
    from sqlalchemy import select

    from courses.models import Enrolment, LessonProgress, QuizAttempt
    from portal.extensions import db
    from portal.models import User

    user_id = db.session.scalar(select(User.id).filter_by(email=record["email"]))
    if record["kind"] == "attempt":
        attempt = db.session.get(QuizAttempt, record["attempt_id"])
        return attempt is not None and (attempt.user_id, attempt.lesson_id) == (
            user_id,
            record["lesson_id"],
        )
    if record["kind"] == "enrolment":
        query = select(Enrolment.id).join(Enrolment.course).filter_by(slug=record["course"])
        return db.session.scalar(query.where(Enrolment.user_id == user_id)) is not None
    query = select(LessonProgress.user_id).filter_by(user_id=user_id, lesson_id=record["lesson_id"])
    return db.session.scalar(query) is not None


def count_uploads() -> None:
    """Print, as JSON, the number of stored files and of practice attachments."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.uploads import StoredFile
    from practices.models import PracticeAttachment

    app = portal_app()
    with app.app_context():
        counts = {
            "stored_files": db.session.scalar(select(func.count()).select_from(StoredFile)),
            "attachments": db.session.scalar(select(func.count()).select_from(PracticeAttachment)),
        }
    print(json.dumps(counts))


def main() -> None:
    """Run one task named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fill = commands.add_parser("populate")
    fill.add_argument("out", type=Path)
    fill.add_argument("--practices", type=int, default=1000)
    fill.add_argument("--learners", type=int, default=2000)
    fill.add_argument("--seed", type=int, default=1)
    commands.add_parser("touch-practices")
    check = commands.add_parser("check-records")
    check.add_argument("acknowledged", type=Path)
    commands.add_parser("count-uploads")
    arguments = parser.parse_args()
    if arguments.command == "populate":
        populate(arguments.out, arguments.practices, arguments.learners, arguments.seed)
    elif arguments.command == "touch-practices":
        touch_practices()
    elif arguments.command == "count-uploads":
        count_uploads()
    else:
        check_records(arguments.acknowledged)


if __name__ == "__main__":
    main()
