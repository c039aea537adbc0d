"""The catalogue, a course's page with its outline and the learner's progress, enrolment,
and "My learning"."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from courses.models import Enrolment
from courses.services.catalogue import CatalogueFilters, course_by_slug, published_courses
from courses.services.certificates import certificate_for
from courses.services.progress import NotAllowed, course_state, enrol, enrolment_of, leave
from courses.views import bp
from courses.views.helpers import content_language, editor_view, visible_course
from portal.extensions import db
from portal.forms import PortalForm
from portal.i18n import current_language
from portal.paging import requested_page
from portal.reference_data import all_topics

PER_PAGE = 20


@bp.route("/")
def index():
    """Published courses, newest first, filtered by topic and language."""
    filters = CatalogueFilters.from_request()
    page = db.paginate(
        published_courses(filters), page=requested_page(), per_page=PER_PAGE, error_out=False
    )
    return render_template("courses/index.html", page=page, filters=filters, topics=all_topics())


@bp.route("/<slug>")
def detail(slug: str):
    """A course: its outline with a tick per lesson done, progress and what is left."""
    course = visible_course(slug)
    language = content_language(course)
    state = course_state(current_user, course)
    certificate = None
    if state.enrolment is not None and state.enrolment.completed_at is not None:
        certificate = certificate_for(current_user, course)
    return render_template(
        "courses/detail.html",
        course=course,
        language=language,
        text=course.text(language),
        state=state,
        certificate=certificate,
        form=PortalForm(),
        editor=editor_view(course),
    )


@bp.route("/<slug>/enrol", methods=["POST"])
@login_required
def enrol_self(slug: str):
    """Enrol the current user in an open course with one click (twice changes nothing)."""
    course = visible_course(slug)
    if not PortalForm().validate_on_submit():
        abort(400)
    try:
        enrol(current_user, course)
    except NotAllowed:
        flash(_("This course is by invitation: ask its trainer to enrol you."), "error")
        return redirect(url_for("courses.detail", slug=slug)), 303
    flash(_("You are enrolled. Your progress is saved lesson by lesson."), "success")
    state = course_state(current_user, course)
    target = state.next_lesson or next(iter(course.lessons), None)
    if target is None:
        return redirect(url_for("courses.detail", slug=slug))
    return redirect(url_for("courses.lesson", slug=slug, lesson_id=target.id))


@bp.route("/<slug>/leave", methods=["GET", "POST"])
@login_required
def leave_course(slug: str):
    """Ask, then take the current user out of a course they have not completed."""
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    enrolment = enrolment_of(current_user, course)
    if enrolment is None:  # also what a second submit of the form sees
        flash(_("You are not enrolled in this course."), "info")
        return redirect(url_for("courses.my_learning"), 303)
    form = PortalForm()
    if enrolment.completed_at is not None:
        status = 409 if request.method == "POST" else 200
        return render_template("courses/leave.html", course=course, completed=True), status
    if not form.validate_on_submit():
        return render_template("courses/leave.html", course=course, form=form)
    leave(current_user, course)
    flash(
        _("You have left the course. If you enrol again, your completed lessons are still there."),
        "success",
    )
    return redirect(url_for("courses.my_learning"), 303)


@bp.route("/mine")
@login_required
def my_learning():
    """The current user's courses: in progress with their progress, completed with certificates."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .filter_by(user_id=current_user.id)
        .order_by(Enrolment.last_activity_at.desc())
    ).all()
    rows = []
    for enrolment in enrolments:
        course = enrolment.course
        certificate = None
        if enrolment.completed_at is not None:
            certificate = certificate_for(current_user, course)
        rows.append((course, course_state(current_user, course), certificate))
    return render_template(
        "courses/mine.html",
        in_progress=[row for row in rows if row[0].status == "published" and not row[1].complete],
        completed=[row for row in rows if row[1].complete],
        language=current_language(),
    )
