"""Trainers write practices: create, edit with preview, files, history, submit for review."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import Length

from portal.auth.decorators import role_required
from portal.extensions import db
from portal.i18n import supported_languages
from portal.markdown import render_markdown
from portal.models import Role
from portal.uploads import UploadRejected, store_upload
from practices import services
from practices.forms import AttachmentForm, PracticeForm
from practices.models import (
    Practice,
    PracticeAttachment,
    PracticeRevision,
    PracticeTranslation,
    Status,
)
from practices.records import practice_to_record
from practices.views import bp
from practices.views.public import child_or_404

ATTACHMENT_TYPES = {"pdf", "docx", "xlsx", "jpg", "jpeg", "png"}
ACTION_LABELS = {
    "created": _l("Created"),
    "edited": _l("Edited"),
    "imported": _l("Imported"),
    "restored": _l("Earlier version restored"),
    "submit": _l("Sent for review"),
    "publish": _l("Published"),
    "return": _l("Returned to the author"),
    "archive": _l("Archived"),
    "unarchive": _l("Published again"),
}


def editable_practice(slug: str) -> Practice:
    """The practice at `slug` if the current user may edit it; 404 or 403 otherwise."""
    practice = services.practice_by_slug(slug)
    if practice is None:
        abort(404)
    if not services.may_edit(current_user, practice):
        abort(403)
    return practice


@bp.route("/mine")
@role_required(Role.TRAINER)
def mine():
    """The practices this trainer wrote, drafts first."""
    practices = db.session.execute(
        db.select(Practice)
        .filter_by(author_id=current_user.id)
        .order_by(Practice.status, Practice.updated_at.desc())
    ).scalars()
    return render_template("practices/mine.html", practices=list(practices))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def create():
    """Write a new practice; it starts as a draft."""
    form = PracticeForm()
    if not form.is_submitted():
        prefill_title(form)
    if not _valid_for_saving(form, None):
        return _render_editor(form, None)
    practice = Practice(author=current_user._get_current_object())
    services.save_practice(practice, record_from_form(form, Status.DRAFT), current_user, "created")
    return _after_save(practice)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def edit(slug: str):
    """Edit a practice; every save is kept in its history."""
    practice = editable_practice(slug)
    form = PracticeForm(data=form_data(practice) if request.method == "GET" else None)
    if not _valid_for_saving(form, practice):
        return _render_editor(form, practice)
    record = record_from_form(form, practice.status)
    services.save_practice(practice, record, current_user, "edited")
    return _after_save(practice)


def prefill_title(form: PracticeForm) -> None:
    """Start the title from ?title=…&lang=ky|ru|en, e.g. a search the dashboard says found little.

    The text is plain: control characters become spaces and it is cut to the field's length;
    the template escapes it like any other value.
    """
    language = request.args.get("lang", "")
    if language not in supported_languages():
        return
    field = form[language].form.title
    stored = PracticeTranslation.__table__.c.title.type.length
    limit = next((v.max for v in field.validators if isinstance(v, Length) and v.max > 0), stored)
    printable = "".join(c if c.isprintable() else " " for c in request.args.get("title", ""))
    field.data = " ".join(printable.split())[:limit].rstrip()


def _valid_for_saving(form: PracticeForm, practice: Practice | None) -> bool:
    if not form.is_submitted() or "preview" in request.form:
        return False
    valid = form.validate()
    other = services.practice_by_slug(form.slug.data or "")
    if other is not None and other is not practice:
        form.slug.errors.append(_("Another practice already uses this web address."))
        valid = False
    if not form.translations():
        form.form_errors.append(_("Write the title and text in at least one language."))
        valid = False
    for code, texts in form.translations().items():
        if not texts["body"]:
            form[code].form.body.errors.append(_("Write the full text, or remove the title."))
            valid = False
    return valid and _district_matches_region(form)


def _district_matches_region(form: PracticeForm) -> bool:
    if not form.district.data:
        return True
    region_of = {choice.value: choice.optgroup for choice in form.district.choices}
    region_name = dict((c.value, c.label) for c in form.region.choices).get(form.region.data)
    if region_of.get(form.district.data) != region_name:
        form.district.errors.append(_("This district is not in the chosen region."))
        return False
    return True


def _render_editor(form: PracticeForm, practice: Practice | None):
    previews = {}
    if "preview" in request.form:
        previews = {code: render_markdown(t["body"]) for code, t in form.translations().items()}
    status = 422 if form.is_submitted() and "preview" not in request.form else 200
    return render_template(
        "practices/edit.html",
        form=form,
        practice=practice,
        previews=previews,
        attachment_form=AttachmentForm(),
    ), status


def _after_save(practice: Practice):
    if "submit_for_review" in request.form:
        services.transition(practice, current_user, "submit")
        flash(_("Saved and sent for review."), "success")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("practices.edit", slug=practice.slug))


def record_from_form(form: PracticeForm, status: str) -> dict:
    """Turn the editor's fields into a practice record."""
    related = [slug.strip() for slug in (form.related.data or "").split(",") if slug.strip()]
    return {
        "slug": form.slug.data.strip(),
        "region": form.region.data,
        "district": form.district.data or None,
        "municipality": form.municipality.data or "",
        "topics": form.topics.data,
        "year": form.year.data,
        "year_end": form.year_end.data,
        "status": status,
        "contact": {
            "organisation": form.contact_organisation.data,
            "person": form.contact_person.data,
            "phone": form.contact_phone.data,
            "email": form.contact_email.data,
        },
        "budget": {"amount": form.budget_amount.data, "source": form.budget_source.data or None},
        "partners": form.partners.data or "",
        "related": related,
        "translations": form.translations(),
    }


def form_data(practice: Practice) -> dict:
    """The editor's field values for an existing practice."""
    record = practice_to_record(practice)
    contact, budget = record["contact"], record["budget"]
    return {
        "slug": record["slug"],
        "region": record["region"],
        "district": record["district"] or "",
        "municipality": record["municipality"],
        "topics": record["topics"],
        "year": record["year"],
        "year_end": record["year_end"],
        "contact_organisation": contact["organisation"],
        "contact_person": contact["person"],
        "contact_phone": contact["phone"],
        "contact_email": contact["email"],
        "budget_amount": budget["amount"],
        "budget_source": budget["source"] or "",
        "partners": record["partners"],
        "related": ", ".join(record["related"]),
        **record["translations"],
    }


@bp.route("/<slug>/submit", methods=["POST"])
@role_required(Role.TRAINER)
def submit(slug: str):
    """Send a draft to the reviewers."""
    practice = editable_practice(slug)
    try:
        services.transition(practice, current_user, "submit")
    except services.TransitionRefused:
        abort(409)
    flash(_("Sent for review."), "success")
    return redirect(url_for("practices.edit", slug=slug))


@bp.route("/<slug>/files", methods=["POST"])
@role_required(Role.TRAINER)
def upload_attachment(slug: str):
    """Attach a checked file to the practice (images may become the cover)."""
    practice = editable_practice(slug)
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return _render_editor(saved_practice_form(practice), practice)[0], 422
    try:
        stored = store_upload(form.file.data, ATTACHMENT_TYPES)
    except UploadRejected as rejection:
        db.session.rollback()
        flash(str(rejection), "error")
        # The attachment form is shown again with the title the trainer typed.
        return _render_editor(saved_practice_form(practice), practice)[0], rejection.status
    _attach(practice, stored, form)
    flash(_("The file has been attached."), "success")
    return redirect(url_for("practices.edit", slug=slug) + "#files")


def saved_practice_form(practice: Practice) -> PracticeForm:
    """The editor's fields as saved (not from the posted upload form, which lacks them)."""
    return PracticeForm(formdata=None, data=form_data(practice))


def _attach(practice: Practice, stored, form: AttachmentForm) -> None:
    title = (form.title.data or "").strip() or form.file.data.filename or stored.sha256[:12]
    if form.as_cover.data and stored.kind == "image":
        practice.cover_id = stored.id
    else:
        position = len(practice.attachments)
        practice.attachments.append(
            PracticeAttachment(stored_file_id=stored.id, title=title[:200], position=position)
        )
    db.session.commit()
    services.announce(practice, "files")


@bp.route("/<slug>/files/<int:attachment_id>/delete", methods=["POST"])
@role_required(Role.TRAINER)
def delete_attachment(slug: str, attachment_id: int):
    """Remove a file from the practice (the stored bytes stay for older revisions)."""
    practice = editable_practice(slug)
    practice.attachments.remove(child_or_404(PracticeAttachment, attachment_id, practice))
    db.session.commit()
    services.announce(practice, "files")
    flash(_("The file has been removed."), "success")
    return redirect(url_for("practices.edit", slug=slug) + "#files")


@bp.route("/<slug>/history")
@role_required(Role.TRAINER)
def history(slug: str):
    """Every saved step of a practice: who, when, what changed."""
    practice = editable_practice(slug)
    revisions = db.session.execute(
        db.select(PracticeRevision)
        .filter_by(practice_id=practice.id)
        .order_by(PracticeRevision.id.desc())
    ).scalars()
    return render_template(
        "practices/history.html",
        practice=practice,
        revisions=list(revisions),
        action_labels=ACTION_LABELS,
    )


@bp.route("/<slug>/history/<int:revision_id>", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def revision(slug: str, revision_id: int):
    """Show one revision's record; POST restores its texts and facts."""
    practice = editable_practice(slug)
    revision = child_or_404(PracticeRevision, revision_id, practice)
    if request.method == "POST":
        services.restore_revision(practice, revision, current_user)
        flash(_("The earlier version has been restored."), "success")
        return redirect(url_for("practices.history", slug=practice.slug))
    return render_template("practices/revision.html", practice=practice, revision=revision)
