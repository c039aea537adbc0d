"""Course builders for tests: a small published course with reading lessons and a quiz.

The `make_course` fixture (tests/conftest.py) builds it in the database.
"""

import io

from PIL import Image

from courses.models import (
    Choice,
    ChoiceTranslation,
    Course,
    CourseTranslation,
    Lesson,
    LessonFile,
    LessonTranslation,
    Question,
    QuestionTranslation,
    Section,
    SectionTranslation,
)
from courses.services.progress import enrol
from portal.extensions import db
from portal.models import Role, Topic, User, utcnow
from portal.uploads import save_content
from portal.uploads.checks import check_content


def build_course(slug: str = "private-sector", **settings) -> Course:
    """A course in ky and ru: two reading lessons, then a quiz of a single-choice, a multiple-
    choice, a true/false and a numeric question (pass mark 70 %)."""
    course = Course(
        slug=slug,
        status=settings.pop("status", "published"),
        enrolment=settings.pop("enrolment", "open"),
        organisation=settings.pop("organisation", "Helvetas"),
        author_id=settings.pop("author_id", None),
        published_at=utcnow(),
        **settings,
    )
    course.translations = [
        CourseTranslation(language="ky", title="Жеке секторду тартуу", summary="Кыска курс."),
        CourseTranslation(language="ru", title="Привлечение частного сектора", summary="Курс."),
    ]
    course.topics = [
        db.session.execute(db.select(Topic).filter_by(code="private-sector")).scalar_one()
    ]
    section = Section(key="basics", position=0)
    section.translations = [SectionTranslation(language="ky", title="Негиздер")]
    section.lessons = [
        reading_lesson("why", 0, "Эмне үчүн?", "Жеке сектор **кызматтарды** жакшыртат."),
        reading_lesson("services", 1, "Кайсы кызматтар?", "Таштанды, жарык, маданият."),
        quiz_lesson("check", 2),
    ]
    for lesson in section.lessons:
        lesson.course = course
    course.sections = [section]
    return course


def reading_lesson(key: str, position: int, title: str, body: str) -> Lesson:
    """A required reading lesson in ky and ru."""
    lesson = Lesson(key=key, position=position, kind="text", minutes=10)
    lesson.translations = [
        LessonTranslation(language="ky", title=title, body=body),
        LessonTranslation(language="ru", title=f"{title} (ru)", body=f"{body} (ru)"),
    ]
    return lesson


def quiz_lesson(key: str, position: int) -> Lesson:
    """A quiz worth 4 points: single, multiple, true/false and numeric questions."""
    lesson = Lesson(key=key, position=position, kind="quiz", minutes=5, pass_mark=70)
    lesson.translations = [LessonTranslation(language="ky", title="Текшерүү", body="")]
    single = question("q1", 0, "single", "Ким таштанды чогултат?")
    single.choices = [choice(0, True, "Жеке ишкана"), choice(1, False, "Эч ким")]
    multiple = question("q2", 1, "multiple", "Кайсылар кызмат?")
    multiple.choices = [
        choice(0, True, "Жарык"),
        choice(1, True, "Таштанды"),
        choice(2, False, "Салык"),
    ]
    truth = question("q3", 2, "true_false", "Жеке сектор чыгымды азайтат.")
    truth.choices = [Choice(position=0, is_correct=True), Choice(position=1, is_correct=False)]
    number = question("q4", 3, "numeric", "Канча катышуучу болгон?")
    number.numeric_answer, number.numeric_tolerance = 108.0, 0.0
    lesson.questions = [single, multiple, truth, number]
    return lesson


def question(key: str, position: int, kind: str, text: str) -> Question:
    """A one-point question with its ky text and an explanation."""
    item = Question(key=key, position=position, kind=kind, points=1)
    item.translations = [
        QuestionTranslation(language="ky", text=text, explanation=f"Түшүндүрмө: {text}")
    ]
    return item


def choice(position: int, correct: bool, text: str) -> Choice:
    """A choice with its ky text and feedback."""
    item = Choice(position=position, is_correct=correct)
    item.translations = [ChoiceTranslation(language="ky", text=text, feedback=f"Пикир: {text}")]
    return item


def course_ids(app, course_id: int) -> dict[str, int]:
    """The ids of a course's lessons by key, and of the quiz's questions and choices."""
    with app.app_context():
        course = db.session.get(Course, course_id)
        found = {lesson.key: lesson.id for lesson in course.lessons}
        quiz = next(lesson for lesson in course.lessons if lesson.kind == "quiz")
        for item in quiz.questions:
            found[item.key] = item.id
            for option in item.choices:
                found[f"{item.key}.{option.position}"] = option.id
        return found


#: Form answers that pass the fixture's quiz (4 of 4 points) and that fail it (1 of 4).
def right_answers(ids: dict[str, int]) -> dict:
    """Every question answered right."""
    return {
        f"q{ids['q1']}": str(ids["q1.0"]),
        f"q{ids['q2']}": [str(ids["q2.0"]), str(ids["q2.1"])],
        f"q{ids['q3']}": str(ids["q3.0"]),
        f"q{ids['q4']}": "108",
    }


def wrong_answers(ids: dict[str, int]) -> dict:
    """Only the first question right."""
    return {
        f"q{ids['q1']}": str(ids["q1.0"]),
        f"q{ids['q2']}": [str(ids["q2.2"])],
        f"q{ids['q3']}": str(ids["q3.1"]),
        f"q{ids['q4']}": "12,5",
    }


def enrolled_learner(app, login_as) -> int:
    """Log the client in as a new learner enrolled in the only course; returns their id."""
    user_id, _email = login_as(Role.LEARNER)
    with app.app_context():
        enrol(db.session.get(User, user_id), db.session.scalars(db.select(Course)).one())
    return user_id


def add_lesson_picture(app) -> str:
    """A picture file on the first lesson, shown in its Kyrgyz text; returns its address."""
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 30, 200)).save(output, "PNG")
    with app.app_context():
        course = db.session.scalars(db.select(Course)).one()
        lesson = course.lessons[0]
        picture = save_content(check_content(output.getvalue(), "png", app.config))
        item = LessonFile(lesson_id=lesson.id, stored_file=picture, title="Сүрөт")
        db.session.add(item)
        db.session.flush()
        url = f"/courses/{course.slug}/lessons/{lesson.id}/files/{item.id}"
        lesson.translation("ky").body += f"\n\n![Сүрөт]({url})"
        db.session.commit()
        return url
