"""The trainer's course editor: the courses one teaches, settings, publishing, copies, learners.

The outline, lesson and quiz editors live in authoring_outline, authoring_lessons and
authoring_quiz.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courses.forms import LANGUAGES, CourseForm, EnrolForm
from courses.services import authoring
from courses.services.authoring_copy import duplicate_course
from courses.services.authoring_learners import (
    MAX_ADDRESSES,
    enrol_by_email,
    enrolled_learners,
    parse_addresses,
)
from courses.services.progress import enrolment_of, leave
from courses.views import bp
from courses.views.authoring_common import (
    editable_course,
    previews,
    render_course_editor,
    wants_preview,
)
from portal.auth.decorators import role_required
from portal.extensions import db
from portal.forms import PortalForm
from portal.models import Role, User
from portal.paging import requested_page

COURSES_PER_PAGE = 50
LEARNERS_PER_PAGE = 50


@bp.route("/manage")
@role_required(Role.TRAINER)
def manage():
    """The courses the current user may edit, with their status, languages and learners."""
    page = db.paginate(
        authoring.courses_managed_by(current_user),
        page=requested_page(),
        per_page=COURSES_PER_PAGE,
        error_out=False,
    )
    counts = authoring.learner_counts([course.id for course in page.items])
    return render_template("courses/manage.html", page=page, learner_counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def create():
    """Write a new course; it starts as a draft by the current user."""
    form = CourseForm()
    if not valid_settings(form, None):
        return render_new_course(form)
    course = authoring.create_course(
        form.settings(), form.topics.data or [], form.texts(), current_user._get_current_object()
    )
    flash(_("The course has been created as a draft. Now add sections and lessons."), "success")
    return redirect(url_for("courses.edit", slug=course.slug, _anchor="outline"), 303)


def render_new_course(form: CourseForm):
    """The empty (or returned) form for a new course."""
    status = 422 if form.is_submitted() and not wants_preview() else 200
    return render_template(
        "courses/edit_new.html",
        form=form,
        all_languages=LANGUAGES,
        previews=previews(form, LANGUAGES, "description") if wants_preview() else {},
    ), status


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def edit(slug: str):
    """The course editor: the outline of sections and lessons, and the course's settings."""
    course = editable_course(slug)
    if request.method == "GET":
        return render_course_editor(course)
    form = CourseForm()
    if not valid_settings(form, course):
        status = 200 if wants_preview() else 422
        shown = previews(form, LANGUAGES, "description") if wants_preview() else {}
        return render_course_editor(course, form=form, status=status, previews=shown)
    authoring.update_course(course, form.settings(), form.topics.data or [], form.texts())
    flash(_("Saved."), "success")
    return redirect(url_for("courses.edit", slug=course.slug, _anchor="settings"), 303)


def valid_settings(form: CourseForm, course) -> bool:
    """Whether the settings may be saved: valid, a free address, at least one language."""
    if not form.is_submitted() or wants_preview():
        return False
    valid = form.validate()
    slug = (form.slug.data or "").strip()
    if slug and not authoring.slug_available(slug, course):
        form.slug.errors.append(_("This web address is taken. Choose another one."))
        valid = False
    return form.require_a_language() and valid


@bp.route("/<slug>/publish", methods=["POST"])
@role_required(Role.TRAINER)
def publish(slug: str):
    """Publish the course (when it is ready) or take it back to draft."""
    course = editable_course(slug)
    action = request.form.get("action")
    if action == "unpublish":
        authoring.unpublish(course)
        flash(_("The course is a draft again: learners cannot open it now."), "success")
    elif action == "publish":
        try:
            authoring.publish(course)
        except authoring.PublishRefused as refusal:
            flash(_("The course cannot be published yet."), "error")
            return render_course_editor(course, status=422, problems=refusal.problems)
        flash(_("The course is published: learners find it in the catalogue."), "success")
    else:
        abort(400)
    return redirect(url_for("courses.edit", slug=course.slug), 303)


@bp.route("/<slug>/duplicate", methods=["POST"])
@role_required(Role.TRAINER)
def duplicate(slug: str):
    """Make a draft copy of the course, without its learners."""
    course = editable_course(slug)
    copy = duplicate_course(course, current_user._get_current_object())
    flash(_("This is a copy of the course, saved as a draft."), "success")
    return redirect(url_for("courses.edit", slug=copy.slug), 303)


@bp.route("/<slug>/delete", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def delete(slug: str):
    """Ask, then delete a draft course without learners; say what stands in the way otherwise."""
    course = editable_course(slug)
    form = PortalForm()
    if not form.validate_on_submit():
        problems = authoring.deletion_problems(course)
        return render_template("courses/delete.html", course=course, form=form, problems=problems)
    try:
        authoring.delete_course(course, current_user._get_current_object())
    except authoring.DeletionRefused as refusal:
        page = render_template(
            "courses/delete.html", course=course, form=form, problems=refusal.problems
        )
        return page, 409
    flash(_("The course has been deleted."), "success")
    return redirect(url_for("courses.manage"), 303)


@bp.route("/<slug>/learners/<int:user_id>/remove", methods=["POST"])
@role_required(Role.TRAINER)
def remove_learner(slug: str, user_id: int):
    """Take a learner out of the course; their records stay for when they are enrolled again."""
    course = editable_course(slug)
    if not PortalForm().validate_on_submit():
        abort(400)
    learner = db.get_or_404(User, user_id)
    enrolment = enrolment_of(learner, course)
    if enrolment is None:
        abort(404)
    if enrolment.completed_at is not None or learner.is_deleted:
        flash(
            _("Learners who completed the course, or deleted their account, stay in it."), "error"
        )
        return render_learners(course, EnrolForm(), 409)
    leave(learner, course)
    removed = _(
        "%(name)s is no longer enrolled. If you enrol them again, their completed lessons "
        "are still there.",
        name=learner.display_name,
    )
    flash(removed, "success")
    return redirect(url_for("courses.learners", slug=course.slug), 303)


@bp.route("/<slug>/learners", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def learners(slug: str):
    """The course's learners, and enrolling more by e-mail address."""
    course = editable_course(slug)
    form = EnrolForm()
    if not form.validate_on_submit():
        return render_learners(course, form, 422 if form.is_submitted() else 200)
    addresses = parse_addresses(form.emails.data)
    if len(addresses) > MAX_ADDRESSES:
        message = _("At most %(count)d addresses at a time.", count=MAX_ADDRESSES)
        form.emails.errors.append(message)
        return render_learners(course, form, 422)
    outcome = enrol_by_email(course, addresses, current_user._get_current_object())
    announce_enrolments(outcome)
    if outcome.unknown or outcome.invalid:
        form = EnrolForm(
            formdata=None, data={"emails": "\n".join(outcome.unknown + outcome.invalid)}
        )
        return render_learners(course, form, 422, outcome=outcome)
    return redirect(url_for("courses.learners", slug=course.slug), 303)


def announce_enrolments(outcome) -> None:
    """Say how many learners were enrolled and how many already were."""
    if outcome.enrolled:
        count = len(outcome.enrolled)
        message = ngettext("%(num)d learner enrolled.", "%(num)d learners enrolled.", count)
        flash(message, "success")
    if outcome.already:
        count = len(outcome.already)
        message = ngettext("%(num)d was already enrolled.", "%(num)d were already enrolled.", count)
        flash(message, "success")


def render_learners(course, form: EnrolForm, status: int, outcome=None):
    """The learners page: the enrolled learners, page by page, and the enrolment form."""
    page = db.paginate(
        enrolled_learners(course),
        page=requested_page(),
        per_page=LEARNERS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "courses/learners.html", course=course, page=page, form=form, outcome=outcome
    ), status
