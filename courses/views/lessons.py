"""Taking lessons: reading, watching, downloading, marking complete, and quizzes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courses.models import LessonFile, LessonKind, QuizAttempt
from courses.services import quizzes
from courses.services.progress import NotAllowed, course_state, mark_lesson_complete
from courses.views import bp
from courses.views.helpers import (
    child_of,
    content_language,
    course_lesson,
    editor_view,
    visible_course,
)
from portal.cards import cards
from portal.forms import PortalForm
from portal.uploads import send_stored_file, send_stored_media


def lesson_context(slug: str, lesson_id: int):
    """(course, lesson, state) for a lesson the current user may take, else redirect/404."""
    course = visible_course(slug)
    lesson = course_lesson(course, lesson_id)
    state = course_state(current_user, course)
    return course, lesson, state


def neighbours(course, lesson):
    """The lessons before and after `lesson` in reading order."""
    lessons = course.lessons
    index = lessons.index(lesson)
    previous = lessons[index - 1] if index > 0 else None
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    return previous, following


@bp.route("/<slug>/lessons/<int:lesson_id>")
@login_required
def lesson(slug: str, lesson_id: int):
    """A lesson: text, pictures, video, files and cited practices; a quiz's questions."""
    course, lesson, state = lesson_context(slug, lesson_id)
    if state.enrolment is None and not editor_view(course):
        flash(_("Enrol in the course to take its lessons."), "error")
        return redirect(url_for("courses.detail", slug=slug))
    return lesson_page(course, lesson, state)


def quiz_context(lesson, state, answers=None, problems=None) -> dict:
    """What the quiz part of a lesson page shows: questions in this attempt's order, attempts."""
    used = quizzes.attempts_used(current_user, lesson)
    questions = quizzes.presented_questions(lesson, current_user, used)
    return {
        "questions": [
            (question, quizzes.presented_choices(lesson, question, current_user, used))
            for question in questions
        ],
        "attempts": quizzes.learner_attempts(current_user, lesson),
        "attempts_left": quizzes.attempts_left(current_user, lesson),
        "result": state.quizzes.get(lesson.id),
        "given": answers,
        "problems": problems or {},
    }


@bp.route("/<slug>/lessons/<int:lesson_id>/complete", methods=["POST"])
@login_required
def complete_lesson(slug: str, lesson_id: int):
    """Record the lesson as complete (idempotent), then go on to the next lesson."""
    course, lesson, _state = lesson_context(slug, lesson_id)
    if not PortalForm().validate_on_submit():
        abort(400)
    if lesson.kind == LessonKind.QUIZ:
        abort(409)  # a quiz is completed by passing it
    try:
        mark_lesson_complete(current_user, lesson, content_language(course))
    except NotAllowed:
        abort(403)
    flash(_("Saved: lesson completed."), "success")
    state = course_state(current_user, course)
    if state.complete:
        return redirect(url_for("courses.detail", slug=slug), 303)
    _previous, following = neighbours(course, lesson)
    target = following or state.next_lesson
    if target is None:
        return redirect(url_for("courses.detail", slug=slug), 303)
    return redirect(url_for("courses.lesson", slug=slug, lesson_id=target.id), 303)


@bp.route("/<slug>/lessons/<int:lesson_id>/attempts", methods=["POST"])
@login_required
def submit_quiz(slug: str, lesson_id: int):
    """Grade an attempt on the server and show its feedback."""
    course, lesson, state = lesson_context(slug, lesson_id)
    if not PortalForm().validate_on_submit() or lesson.kind != LessonKind.QUIZ:
        abort(400)
    try:
        answers = quizzes.read_answers(lesson, request.form)
    except quizzes.InvalidAnswers:
        abort(400)
    if answers.problems:
        return retry_quiz(course, lesson, state, answers)
    try:
        attempt = quizzes.submit_attempt(current_user, lesson, answers, content_language(course))
    except NotAllowed:
        abort(403)
    except quizzes.NoAttemptsLeft:
        flash(_("You have used every attempt this quiz allows."), "error")
        return redirect(url_for("courses.lesson", slug=slug, lesson_id=lesson.id), 303)
    flash(_("Saved: your answers have been graded."), "success")
    return redirect(
        url_for("courses.attempt", slug=slug, lesson_id=lesson.id, attempt_id=attempt.id), 303
    )


def retry_quiz(course, lesson, state, answers):
    """The quiz again with what was typed kept and the numbers that were not numbers marked."""
    flash(_("Some answers need a number. Please correct them and send again."), "error")
    return lesson_page(course, lesson, state, answers=answers, status=422)


def lesson_page(course, lesson, state, answers=None, status: int = 200):
    """Render a lesson page; a quiz shows what was answered when `answers` come back."""
    language = content_language(course)
    previous, following = neighbours(course, lesson)
    context = {
        "course": course,
        "lesson": lesson,
        "state": state,
        "language": language,
        "text": lesson.text(language),
        "course_text": course.text(language),
        "previous": previous,
        "following": following,
        "form": PortalForm(),
        "practice_cards": cards("practice", list(lesson.practice_slugs or []), language),
    }
    if lesson.kind == LessonKind.QUIZ:
        problems = answers.problems if answers else None
        context |= quiz_context(lesson, state, answers=answers, problems=problems)
    return render_template("courses/lesson.html", **context), status


@bp.route("/<slug>/lessons/<int:lesson_id>/attempts/<int:attempt_id>")
@login_required
def attempt(slug: str, lesson_id: int, attempt_id: int):
    """One of the current user's attempts, with the right answers and feedback."""
    course, lesson, state = lesson_context(slug, lesson_id)
    graded = child_of(QuizAttempt, attempt_id, "lesson_id", lesson.id)
    if graded.user_id != current_user.id:
        abort(404)
    language = content_language(course)
    return render_template(
        "courses/attempt.html",
        course=course,
        lesson=lesson,
        state=state,
        attempt=graded,
        language=language,
        text=lesson.text(language),
        attempts_left=quizzes.attempts_left(current_user, lesson),
        following=neighbours(course, lesson)[1],
    )


@bp.route("/<slug>/lessons/<int:lesson_id>/files/<int:file_id>")
@login_required
def lesson_file(slug: str, lesson_id: int, file_id: int):
    """Download a file of a lesson."""
    course, lesson, state = lesson_context(slug, lesson_id)
    if state.enrolment is None and not editor_view(course):
        abort(403)
    item = child_of(LessonFile, file_id, "lesson_id", lesson.id)
    extension = item.stored_file.extension
    return send_stored_file(item.stored_file, download_name=f"{item.title}.{extension}")


@bp.route("/<slug>/lessons/<int:lesson_id>/video")
@login_required
def lesson_video(slug: str, lesson_id: int):
    """The lesson's uploaded video, in ranges, so phones can start it and seek without
    downloading all of it; ?download=1 saves it instead."""
    course, lesson, state = lesson_context(slug, lesson_id)
    if state.enrolment is None and not editor_view(course):
        abort(403)
    if lesson.video_file is None:
        abort(404)
    name = lesson.text(content_language(course)).title
    return send_stored_media(lesson.video_file, name, download=bool(request.args.get("download")))
