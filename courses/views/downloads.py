"""A course as one file to share: all lessons in outline order, as HTML or PDF."""

from flask import abort, render_template, url_for
from flask_login import current_user, login_required

from courses.models import Course
from courses.services import quizzes
from courses.services.progress import course_state
from courses.views import bp
from courses.views.helpers import content_language, editor_view, visible_course
from portal.printable import download, printable


@bp.route("/<slug>/download.<any(html, pdf):extension>")
@login_required
def download_course(slug: str, extension: str):
    """Every lesson of the course in one HTML or PDF file, for those who may read the lessons;
    quizzes show their questions and never their answers."""
    course = visible_course(slug)
    if course_state(current_user, course).enrolment is None and not editor_view(course):
        abort(403)
    language = content_language(course)
    body = render_template(
        "courses/printable.html",
        course=course,
        language=language,
        quiz_questions=quiz_questions(course),
    )
    text = course.text(language)
    source = url_for("courses.detail", slug=course.slug, lang=text.language, _external=True)
    document = printable(text.title, text.language, body, source, picture_resolver(course))
    return download(document, extension)


def quiz_questions(course: Course) -> dict[int, list]:
    """Quiz lesson id → [(question, choices)] in the order this learner's quiz page shows."""
    questions = {}
    for lesson in course.lessons:
        if lesson.is_quiz:
            used = quizzes.attempts_used(current_user, lesson)
            questions[lesson.id] = [
                (question, quizzes.presented_choices(lesson, question, current_user, used))
                for question in quizzes.presented_questions(lesson, current_user, used)
            ]
    return questions


def picture_resolver(course: Course):
    """Which portal addresses in the course are pictures among its own lessons' files."""
    files = {
        (item.lesson_id, item.id): item.stored_file
        for lesson in course.lessons
        for item in lesson.files
    }

    def resolve(endpoint: str, arguments: dict):
        if endpoint != "courses.lesson_file" or arguments.get("slug") != course.slug:
            return None
        return files.get((arguments.get("lesson_id"), arguments.get("file_id")))

    return resolve
