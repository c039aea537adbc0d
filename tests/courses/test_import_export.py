"""flask courses import|export: round trips, updates in place, removals, errors with positions."""

import copy
import json

from courses.models import (
    Choice,
    Course,
    CourseTranslation,
    Lesson,
    LessonProgress,
    LessonTranslation,
    Question,
    QuizAttempt,
    Section,
)
from courses.records import course_to_record
from courses.services.progress import enrol, mark_lesson_complete
from courses.services.quizzes import Answers, submit_attempt
from portal.extensions import db
from portal.models import User
from portal.search.models import SearchChange

DELETE = object()


def texts(**fields) -> dict:
    """The same texts in ky and ru (ru marked), as the record format nests them."""
    return {"ky": fields, "ru": {name: f"{value} (ru)" for name, value in fields.items()}}


def course_record(slug: str = "private-sector", **overrides) -> dict:
    """A valid record: two reading lessons, then a quiz with one question of each kind."""
    record = {
        "slug": slug,
        "status": "published",
        "enrolment": "open",
        "topics": ["waste-management", "private-sector"],
        "organisation": "Helvetas",
        "hours": 2.5,
        "certificate": True,
        "author": None,
        "translations": texts(title="Жеке сектор", summary="Кыска.", description="## Башы"),
        "sections": [
            {
                "key": "basics",
                "translations": texts(title="Негиздер"),
                "lessons": [
                    reading("why", "Эмне үчүн?"),
                    reading("services", "Кайсы кызматтар?", practices=["karakol-waste"]),
                ],
            },
            {"key": "check", "translations": texts(title="Текшерүү"), "lessons": [quiz("quiz")]},
        ],
    }
    record.update(overrides)
    return record


def reading(key: str, title: str, **settings) -> dict:
    """A text lesson record."""
    lesson = {"key": key, "kind": "text", "required": True, "minutes": 10, "video_url": ""}
    lesson |= {"practices": [], "translations": texts(title=title, body=f"**{title}**")}
    return lesson | settings


def quiz(key: str) -> dict:
    """A quiz record with a single, a multiple, a true/false and a numeric question."""
    lesson = reading(key, "Тест", kind="quiz", minutes=5)
    lesson |= {"pass_mark": 75, "max_attempts": 3, "attempt_policy": "last"}
    lesson |= {"shuffle_questions": False, "shuffle_choices": True}
    lesson["questions"] = [
        question("q1", "single", choices=[option(True, "Ооба"), option(False, "Жок")]),
        question(
            "q2",
            "multiple",
            choices=[option(True, "Жарык"), option(True, "Таштанды"), option(False, "Салык")],
        ),
        question("q3", "true_false", answer=False),
        question("q4", "numeric", answer=108, tolerance=0.5),
    ]
    return lesson


def question(key: str, kind: str, **answer) -> dict:
    """A one-point question record."""
    text = texts(text=f"Суроо {key}?", explanation=f"Түшүндүрмө {key}")
    return {"key": key, "kind": kind, "points": 1, "translations": text} | answer


def option(correct: bool, text: str) -> dict:
    """A choice record."""
    return {"correct": correct, "translations": texts(text=text, feedback=f"Пикир: {text}")}


def write_json(path, records) -> str:
    """Write records as a JSON array; return the path as text."""
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def import_file(runner, file: str, *options: str):
    """Run flask courses import and return the result."""
    return runner.invoke(args=["courses", "import", *options, file])


def count(app, model) -> int:
    """Rows of a model."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def all_ids(app) -> dict:
    """The ids of every content row, and the course's last change, to compare two states."""
    models = (Course, CourseTranslation, Section, Lesson, LessonTranslation, Question, Choice)
    with app.app_context():
        ids = {m.__name__: db.session.scalars(db.select(m.id).order_by(m.id)).all() for m in models}
        ids["updated_at"] = db.session.scalars(db.select(Course.updated_at)).all()
        return ids


def exported(app, slug: str = "private-sector") -> dict:
    """The course's record as export writes it."""
    with app.app_context():
        return course_to_record(
            db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one()
        )


def test_import_then_again_changes_nothing(app, runner, tmp_path):
    file = write_json(tmp_path / "c.json", [course_record(), course_record("second")])
    first = import_file(runner, file)
    assert first.exit_code == 0, first.output
    assert "Imported 2 course(s): 2 new, 0 updated, 0 skipped." in first.output
    before, changes = all_ids(app), count(app, SearchChange)
    second = import_file(runner, file)
    assert "2 course(s): 0 new, 2 updated" in second.output
    assert all_ids(app) == before
    assert count(app, SearchChange) == changes  # nothing was even written
    assert exported(app) == course_record()


def test_export_then_import_round_trips_byte_for_byte(app, runner, tmp_path, make_user):
    _id, email = make_user("trainer")
    records = [course_record(author=email), course_record("draft-one", status="draft")]
    records[1]["sections"][0]["lessons"][0]["video_url"] = "https://example.kg/v.mp4"
    assert import_file(runner, write_json(tmp_path / "in.json", records)).exit_code == 0
    for suffix in (".json", ".jsonl"):
        first = tmp_path / f"all{suffix}"
        assert runner.invoke(args=["courses", "export", str(first)]).exit_code == 0
        with app.app_context():
            db.session.execute(db.delete(Course))
            db.session.commit()
        result = import_file(runner, str(first))
        assert result.exit_code == 0 and "2 new" in result.output, result.output
        again = tmp_path / f"again{suffix}"
        runner.invoke(args=["courses", "export", str(again)])
        assert again.read_bytes() == first.read_bytes()
    assert json.loads(first.read_text(encoding="utf-8").splitlines()[0])["author"] == email


def test_export_of_a_course_built_elsewhere_imports_unchanged(app, runner, tmp_path, make_course):
    make_course("private-sector", hours=1.5)
    file = tmp_path / "fixture.json"
    runner.invoke(args=["courses", "export", str(file)])
    before = all_ids(app)
    assert import_file(runner, str(file)).exit_code == 0
    assert all_ids(app) == before
    assert json.loads(file.read_text(encoding="utf-8"))[0]["hours"] == 1.5


def learner_with_records(app, make_user, keys: tuple[str, ...], quiz_key: str = "") -> int:
    """A learner enrolled in the course who completed `keys` and tried the quiz once."""
    user_id, _email = make_user()
    with app.app_context():
        user = db.session.get(User, user_id)
        course = db.session.execute(db.select(Course)).scalar_one()
        enrol(user, course)
        for lesson in course.lessons:
            if lesson.key in keys:
                mark_lesson_complete(user, lesson, "ky")
            if lesson.key == quiz_key:
                submit_attempt(user, lesson, Answers(), "ky")
    return user_id


def test_an_update_keeps_lessons_and_learners_records(app, runner, tmp_path, make_user):
    import_file(runner, write_json(tmp_path / "v1.json", [course_record()]))
    ids = all_ids(app)
    user_id = learner_with_records(app, make_user, ("why", "services"), quiz_key="quiz")
    record = course_record()
    basics, check = record["sections"]
    basics["lessons"].reverse()
    basics["lessons"][0]["translations"]["ky"]["title"] = "Жаңы аталыш"
    check["lessons"][0]["questions"].reverse()
    check["lessons"][0]["questions"][0]["translations"]["ru"]["text"] = "Новый вопрос?"
    record["sections"].append(
        {"key": "more", "translations": texts(title="Дагы"), "lessons": [reading("extra", "Ж")]}
    )
    result = import_file(runner, write_json(tmp_path / "v2.json", [record]))
    assert result.exit_code == 0 and "removed" not in result.output, result.output
    after = all_ids(app)
    assert set(ids["Lesson"]) < set(after["Lesson"]) and set(ids["Question"]) == set(
        after["Question"]
    )
    assert set(ids["Choice"]) == set(after["Choice"])  # choices rewritten in place
    with app.app_context():
        course = db.session.execute(db.select(Course)).scalar_one()
        assert [lesson.key for lesson in course.lessons] == ["services", "why", "quiz", "extra"]
        assert course.lessons[0].translation("ky").title == "Жаңы аталыш"
        assert [q.key for q in course.lessons[2].questions] == ["q4", "q3", "q2", "q1"]
        progress = db.session.scalars(db.select(LessonProgress).filter_by(user_id=user_id))
        assert {row.lesson_id for row in progress} == set(ids["Lesson"][:2])
    assert count(app, QuizAttempt) == 1
    assert exported(app) == record


def test_a_lesson_moves_to_another_section_and_keeps_its_id(app, runner, tmp_path):
    import_file(runner, write_json(tmp_path / "v1.json", [course_record()]))
    ids = all_ids(app)
    record = course_record()
    moved = record["sections"][0]["lessons"].pop()
    record["sections"] = [{"key": "new", "translations": texts(title="Ж"), "lessons": [moved]}]
    record["sections"].append(course_record()["sections"][1])
    record["sections"][1]["lessons"].insert(0, reading("why", "Эмне үчүн?"))
    assert import_file(runner, write_json(tmp_path / "v2.json", [record])).exit_code == 0
    assert all_ids(app)["Lesson"] == ids["Lesson"]
    assert exported(app) == record


def test_removing_a_lesson_warns_how_many_learners_lose_records(app, runner, tmp_path, make_user):
    import_file(runner, write_json(tmp_path / "v1.json", [course_record()]))
    learner_with_records(app, make_user, ("services",))
    learner_with_records(app, make_user, ("why", "services"), quiz_key="quiz")
    record = course_record()
    del record["sections"][0]["lessons"][1]
    del record["sections"][1]
    result = import_file(runner, write_json(tmp_path / "v2.json", [record]))
    assert result.exit_code == 0, result.output
    assert "record 1: lesson 'services' removed: 2 learners' records of it are deleted" in (
        result.output
    )
    assert "lesson 'quiz' removed: 1 learners' records of it are deleted" in result.output
    assert count(app, LessonProgress) == 1 and count(app, QuizAttempt) == 0
    assert (count(app, Lesson), count(app, Section), count(app, Question)) == (1, 1, 0)


def set_at(record: dict, path: tuple, value) -> dict:
    """A copy of the record with the value at `path` replaced (or deleted)."""
    changed = copy.deepcopy(record)
    *parents, last = path
    target = changed
    for step in parents:
        target = target[step]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return changed


QUIZ = ("sections", 1, "lessons", 0)
LESSON = "sections[1].lessons[0]"
#: (where, new value, the message that must name it)
BROKEN = [
    (("slug",), "Bad Slug", "slug: 'Bad Slug' must be lower-case latin letters"),
    (("status",), DELETE, "status: required"),
    (("status",), "hidden", "status: 'hidden' is not one of draft, published"),
    (("enrolment",), "closed", "enrolment: 'closed' is not one of open, invitation"),
    (("topics",), ["space"], "topics: unknown code 'space'"),
    (("hours",), -1, "hours: must be a number of hours above 0"),
    (("certificate",), "yes", "certificate: must be true or false"),
    (("translations",), {"de": {"title": "Kurs"}}, "translations: unknown language 'de'"),
    (("translations", "ky", "title"), " ", "translations.ky.title: required"),
    (("translations", "ru", "summary"), "ы" * 301, "translations.ru.summary: longer than 300"),
    (("sections",), {}, "sections: must be a list"),
    (("sections", 0, "translations"), DELETE, "sections[0].translations: at least one of ky"),
    (("sections", 1, "key"), "basics", "sections[1].key: 'basics' is used by an earlier section"),
    (("sections", 0, "lessons", 1, "kind"), "podcast", "sections[0].lessons[1].kind: 'podcast'"),
    (("sections", 0, "lessons", 1, "key"), "why", "sections[0].lessons[1].key: 'why' is used"),
    (("sections", 0, "lessons", 0, "key"), "no spaces", "lessons[0].key: 'no spaces' must be"),
    (("sections", 0, "lessons", 0, "minutes"), 1.5, "lessons[0].minutes: must be a whole number"),
    (("sections", 0, "lessons", 0, "video_url"), "ftp://x", "video_url: must start with https"),
    (("sections", 0, "lessons", 0, "practices"), ["No!"], "lessons[0].practices: must be a list"),
    (("sections", 0, "lessons", 0, "translations", "ru"), "х", "translations.ru: must be an obj"),
    ((*QUIZ, "pass_mark"), 120, f"{LESSON}.pass_mark: must be a whole number from 0 to 100"),
    ((*QUIZ, "max_attempts"), 0, f"{LESSON}.max_attempts: must be a whole number from 1"),
    ((*QUIZ, "attempt_policy"), "first", f"{LESSON}.attempt_policy: 'first' is not one of"),
    ((*QUIZ, "questions", 0, "kind"), "essay", f"{LESSON}.questions[0].kind: 'essay' is not"),
    ((*QUIZ, "questions", 1, "key"), "q1", f"{LESSON}.questions[1].key: 'q1' is used by an earl"),
    ((*QUIZ, "questions", 0, "points"), 0, f"{LESSON}.questions[0].points: must be a whole"),
    (
        (*QUIZ, "questions", 0, "choices", 1, "correct"),
        True,
        f"{LESSON}.questions[0].choices: a single-choice question needs exactly one correct choice",
    ),
    (
        (*QUIZ, "questions", 1, "choices"),
        [option(False, "А"), option(False, "Б")],
        f"{LESSON}.questions[1].choices: a multiple-choice question needs at least one correct",
    ),
    (
        (*QUIZ, "questions", 0, "choices"),
        [option(True, "А")],
        f"{LESSON}.questions[0].choices: a question needs from 2 to 30 choices",
    ),
    (
        (*QUIZ, "questions", 0, "choices", 0, "translations", "ky", "text"),
        "",
        f"{LESSON}.questions[0].choices[0].translations.ky.text: required",
    ),
    (
        (*QUIZ, "questions", 2, "answer"),
        "false",
        f"{LESSON}.questions[2].answer: a true/false question needs true or false",
    ),
    (
        (*QUIZ, "questions", 3, "answer"),
        DELETE,
        f"{LESSON}.questions[3].answer: a numeric question needs a number",
    ),
    ((*QUIZ, "questions", 3, "tolerance"), -1, f"{LESSON}.questions[3].tolerance: must be a num"),
    ((*QUIZ, "questions", 2, "translations"), {}, f"{LESSON}.questions[2].translations: at least"),
]


def test_every_problem_is_reported_with_its_record_and_path(app, runner, tmp_path):
    records = [set_at(course_record(), path, value) for path, value, _message in BROKEN]
    records += [["not", "an", "object"], course_record("fine"), course_record("fine")]
    result = import_file(runner, write_json(tmp_path / "broken.json", records))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for number, (_path, _value, message) in enumerate(BROKEN, 1):
        prefix = f"broken.json, record {number}: "
        assert any(line.startswith(prefix) and message in line for line in lines), message
    assert f"record {len(BROKEN) + 1}: the record is not a JSON object" in result.output
    assert f"record {len(BROKEN) + 3}: slug: 'fine' appears earlier in the file" in result.output
    assert f"1 new, 0 updated, {len(BROKEN) + 2} skipped" in result.output
    assert count(app, Course) == 1


def test_strict_import_writes_nothing_when_one_record_is_bad(app, runner, tmp_path):
    bad = set_at(course_record("bad"), ("topics",), ["space"])
    result = import_file(
        runner, write_json(tmp_path / "c.json", [course_record(), bad]), "--strict"
    )
    assert result.exit_code != 0
    assert "record 2: topics: unknown code 'space'" in result.output
    assert "1 record(s) with problems; nothing imported" in result.output
    assert count(app, Course) == 0


def test_json_lines_with_a_broken_line(app, runner, tmp_path):
    lines = [json.dumps(course_record("one")), "{not json", "", json.dumps(course_record("two"))]
    file = tmp_path / "c.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(runner, str(file))
    assert result.exit_code == 0
    assert "c.jsonl, line 2: not valid JSON" in result.output
    assert "2 new, 0 updated, 1 skipped" in result.output
    assert count(app, Course) == 2


def test_unknown_fields_are_reported_and_ignored(app, runner, tmp_path):
    record = course_record(rating=5)
    record["translations"]["ky"]["subtitle"] = "…"
    record["sections"][0]["lessons"][0] |= {"pass_mark": 50, "colour": "green"}
    record["sections"][1]["lessons"][0]["questions"][2]["choices"] = []
    result = import_file(runner, write_json(tmp_path / "c.json", [record]))
    assert result.exit_code == 0, result.output
    for path in (
        "rating",
        "translations.ky.subtitle",
        "sections[0].lessons[0].pass_mark",
        "sections[0].lessons[0].colour",
        "sections[1].lessons[0].questions[2].choices",
    ):
        assert f"record 1: unknown field {path!r} ignored" in result.output
    assert exported(app) == course_record()


def test_keys_are_optional_and_made_from_positions(app, runner, tmp_path):
    record = course_record()
    for section in record["sections"]:
        del section["key"]
        for lesson in section["lessons"]:
            del lesson["key"]
            for item in lesson.get("questions", []):
                del item["key"]
    file = write_json(tmp_path / "c.json", [record])
    assert import_file(runner, file).exit_code == 0
    ids = all_ids(app)
    assert import_file(runner, file).exit_code == 0
    assert all_ids(app) == ids
    sections = exported(app)["sections"]
    assert [s["key"] for s in sections] == ["section-1", "section-2"]
    assert [lesson["key"] for lesson in sections[0]["lessons"]] == ["lesson-1-1", "lesson-1-2"]
    keys = [item["key"] for item in sections[1]["lessons"][0]["questions"]]
    assert keys == ["question-1", "question-2", "question-3", "question-4"]


def test_true_false_and_numeric_questions_are_stored_as_the_quiz_expects(app, runner, tmp_path):
    import_file(runner, write_json(tmp_path / "c.json", [course_record()]))
    with app.app_context():
        questions = {q.key: q for q in db.session.scalars(db.select(Question))}
        true_false = questions["q3"]
        assert [(c.position, c.is_correct, c.translations) for c in true_false.choices] == [
            (0, False, []),
            (1, True, []),
        ]
        assert (questions["q4"].numeric_answer, questions["q4"].numeric_tolerance) == (108, 0.5)
        assert questions["q4"].choices == [] and questions["q1"].numeric_answer is None


def test_export_by_status(app, runner, tmp_path):
    records = [course_record("one"), course_record("two", status="draft")]
    import_file(runner, write_json(tmp_path / "c.json", records))
    file = tmp_path / "published.json"
    runner.invoke(args=["courses", "export", "--status", "published", str(file)])
    assert [r["slug"] for r in json.loads(file.read_text(encoding="utf-8"))] == ["one"]


def test_unreadable_file_fails_with_one_line(runner, tmp_path):
    file = tmp_path / "broken.json"
    file.write_text("[{oops", encoding="utf-8")
    result = import_file(runner, str(file))
    assert result.exit_code != 0 and "not valid JSON" in result.output
