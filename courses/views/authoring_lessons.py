"""The lesson editor: texts with preview, settings of its kind, video, files and cited practices."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses.forms import LESSON_KIND_LABELS, LessonFileForm, LessonForm, VideoForm
from courses.models import LessonFile, LessonKind, Section
from courses.quiz_forms import QUESTION_KIND_LABELS
from courses.services import authoring
from courses.services.authoring_quiz import attempt_count
from courses.services.catalogue import course_by_slug, may_edit
from courses.views import bp
from courses.views.authoring_common import editable_course, editable_lesson, previews, wants_preview
from courses.views.helpers import child_of
from portal.auth.decorators import role_required
from portal.cards import cards
from portal.extensions import db
from portal.i18n import current_language
from portal.models import Role
from portal.uploads import UploadRejected, store_upload, store_video_upload

LESSON_FILE_TYPES = {"pdf", "docx", "xlsx", "jpg", "jpeg", "png"}
MIB = 1024 * 1024


def allow_large_video_upload() -> None:
    """Let the course's editors send a video as large as UPLOAD_VIDEO_MAX_BYTES (only them:
    anyone else's large upload is refused before it is read)."""
    if request.endpoint != "courses.upload_video" or not request.view_args:
        return
    course = course_by_slug(request.view_args["slug"])
    if course is not None and may_edit(current_user, course):
        limit = current_app.config["UPLOAD_VIDEO_MAX_BYTES"]
        request.max_content_length = limit + MIB  # room for the form's other fields


@bp.record_once
def lift_limit_before_other_hooks(state) -> None:
    """Install the size hook ahead of every application-wide before_request hook."""
    # CSRF protection and the NUL-character guard read the form in application hooks, which
    # run before any blueprint hook; the limit has to be lifted before the body is parsed.
    state.app.before_request_funcs.setdefault(None, []).insert(0, allow_large_video_upload)


@bp.route("/<slug>/sections/<int:section_id>/lessons/new", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def create_lesson(slug: str, section_id: int):
    """Write a new lesson of the kind asked for (?kind=text|video|quiz) at the end of a section."""
    course = editable_course(slug)
    section = child_of(Section, section_id, "course_id", course.id)
    kind = request.args.get("kind", "")
    if kind not in LESSON_KIND_LABELS:
        abort(400)
    languages = authoring.editing_languages(course)
    form = LessonForm(kind=kind)
    if not valid_lesson(form, languages):
        return render_lesson_editor(course, None, form, languages, kind=kind, section=section)
    lesson = authoring.create_lesson(
        section, kind, form.settings(), form.texts(languages), languages
    )
    flash(_("The lesson has been added."), "success")
    return redirect(url_for("courses.edit_lesson", slug=slug, lesson_id=lesson.id), 303)


@bp.route("/<slug>/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def edit_lesson(slug: str, lesson_id: int):
    """Edit a lesson's texts and settings."""
    course, lesson = editable_lesson(slug, lesson_id)
    languages = authoring.editing_languages(course, lesson)
    if request.method == "GET":
        form = LessonForm(formdata=None, data=lesson_form_data(lesson), kind=lesson.kind)
        return render_lesson_editor(course, lesson, form, languages)
    form = LessonForm(kind=lesson.kind)
    if not valid_lesson(form, languages):
        return render_lesson_editor(course, lesson, form, languages)
    authoring.update_lesson(lesson, form.settings(), form.texts(languages), languages)
    flash(_("Saved."), "success")
    return redirect(url_for("courses.edit_lesson", slug=slug, lesson_id=lesson.id), 303)


def valid_lesson(form: LessonForm, languages) -> bool:
    """Whether the lesson form was sent to be saved and may be."""
    if not form.is_submitted() or wants_preview():
        return False
    valid = form.validate()
    return form.require_a_language(languages) and valid


def lesson_form_data(lesson) -> dict:
    """The lesson form's values for an existing lesson."""
    data = {
        name: getattr(lesson, name)
        for name in ("minutes", "required", "video_url", "pass_mark", "max_attempts")
    }
    data |= {
        "attempt_policy": lesson.attempt_policy,
        "shuffle_questions": lesson.shuffle_questions,
        "shuffle_choices": lesson.shuffle_choices,
        "practices": ", ".join(lesson.practice_slugs or []),
    }
    for translation in lesson.translations:
        data[translation.language] = {"title": translation.title, "body": translation.body}
    return data


def render_lesson_editor(course, lesson, form, languages, status=None, **context):
    """The lesson editor; for a saved lesson also its video, files and questions."""
    if status is None:
        status = 422 if form.is_submitted() and not wants_preview() else 200
    kind = lesson.kind if lesson else context.pop("kind")
    return render_template(
        "courses/edit_lesson.html",
        course=course,
        lesson=lesson,
        kind=kind,
        form=form,
        languages=languages,
        previews=previews(form, languages, "body") if wants_preview() else {},
        lesson_kinds=LESSON_KIND_LABELS,
        question_kinds=QUESTION_KIND_LABELS,
        video_form=context.pop("video_form", None) or VideoForm(formdata=None),
        file_form=context.pop("file_form", None) or LessonFileForm(formdata=None),
        missing_practices=unresolved_practices(lesson.practice_slugs if lesson else []),
        attempts=attempt_count(lesson) if lesson is not None and lesson.is_quiz else 0,
        **context,
    ), status


def unresolved_practices(slugs) -> list[str]:
    """The cited slugs that are not a published practice of the library."""
    language = current_language()
    return [slug for slug in slugs or [] if not cards("practice", [slug], language)]


def render_after_upload(course, lesson, status=422, **forms):
    """The lesson editor again, showing what was wrong with an upload."""
    languages = authoring.editing_languages(course, lesson)
    form = LessonForm(formdata=None, data=lesson_form_data(lesson), kind=lesson.kind)
    return render_lesson_editor(course, lesson, form, languages, status=status, **forms)


@bp.route("/<slug>/lessons/<int:lesson_id>/video/upload", methods=["POST"])
@role_required(Role.TRAINER)
def upload_video(slug: str, lesson_id: int):
    """Store an MP4 or WebM video for a video lesson."""
    course, lesson = editable_lesson(slug, lesson_id)
    if lesson.kind != LessonKind.VIDEO:
        abort(400)
    form, status = VideoForm(), 422
    if form.validate_on_submit():
        try:
            stored = store_video_upload(form.video.data)
        except UploadRejected as rejection:
            db.session.rollback()
            form.video.errors.append(str(rejection))
            status = rejection.status
    if form.errors:
        return render_after_upload(course, lesson, status=status, video_form=form)
    authoring.set_video(lesson, stored)
    flash(_("The video has been uploaded."), "success")
    return redirect(url_for("courses.edit_lesson", slug=slug, lesson_id=lesson.id), 303)


@bp.route("/<slug>/lessons/<int:lesson_id>/video/delete", methods=["POST"])
@role_required(Role.TRAINER)
def remove_video(slug: str, lesson_id: int):
    """Remove the uploaded video from a lesson (a video link, if any, is shown instead)."""
    course, lesson = editable_lesson(slug, lesson_id)
    authoring.set_video(lesson, None)
    flash(_("The video has been removed."), "success")
    return redirect(url_for("courses.edit_lesson", slug=slug, lesson_id=lesson.id), 303)


@bp.route("/<slug>/lessons/<int:lesson_id>/files", methods=["POST"])
@role_required(Role.TRAINER)
def upload_lesson_file(slug: str, lesson_id: int):
    """Attach a checked PDF, DOCX, XLSX, JPG or PNG file to a lesson."""
    course, lesson = editable_lesson(slug, lesson_id)
    form, status = LessonFileForm(), 422
    if form.validate_on_submit():
        try:
            stored = store_upload(form.file.data, LESSON_FILE_TYPES)
        except UploadRejected as rejection:
            db.session.rollback()
            form.file.errors.append(str(rejection))
            status = rejection.status
    if form.errors:
        return render_after_upload(course, lesson, status=status, file_form=form)
    title = (form.title.data or "").strip() or file_title(form.file.data.filename)
    authoring.attach_file(lesson, stored, title)
    flash(_("The file has been attached."), "success")
    return redirect(url_for("courses.edit_lesson", slug=slug, lesson_id=lesson.id), 303)


def file_title(filename: str | None) -> str:
    """A title from an uploaded file's name, without its folder and extension."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0].strip() or _("File")


@bp.route("/<slug>/lessons/<int:lesson_id>/files/<int:file_id>/delete", methods=["POST"])
@role_required(Role.TRAINER)
def delete_lesson_file(slug: str, lesson_id: int, file_id: int):
    """Remove a file from a lesson."""
    course, lesson = editable_lesson(slug, lesson_id)
    authoring.remove_file(lesson, child_of(LessonFile, file_id, "lesson_id", lesson.id))
    flash(_("The file has been removed."), "success")
    return redirect(url_for("courses.edit_lesson", slug=slug, lesson_id=lesson.id), 303)
