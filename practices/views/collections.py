"""Collections: trainers group practices into named, ordered sets with an introduction."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.decorators import role_required
from portal.extensions import db
from portal.i18n import pick_translation
from portal.models import Role
from practices import services
from practices.forms import CollectionForm
from practices.models import Collection, CollectionItem, CollectionTranslation, Status
from practices.views import bp

LANGUAGES = ("ky", "ru", "en")


def collection_by_slug(slug: str) -> Collection:
    """The collection at `slug`, or 404."""
    found = db.session.execute(db.select(Collection).filter_by(slug=slug)).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


@bp.route("/collections/")
def collections():
    """All collections, newest first."""
    rows = db.session.execute(db.select(Collection).order_by(Collection.created_at.desc()))
    listed = [(c, pick_translation(c.translations)) for c in rows.scalars()]
    return render_template("practices/collections.html", collections=listed)


@bp.route("/collections/<slug>")
def collection(slug: str):
    """A collection's introduction and its published practices in order."""
    found = collection_by_slug(slug)
    items = [
        (item.practice, pick_translation(item.practice.translations))
        for item in found.items
        if item.practice.status == Status.PUBLISHED
    ]
    return render_template(
        "practices/collection.html",
        collection=found,
        translation=pick_translation(found.translations),
        items=items,
    )


@bp.route("/collections/new", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def new_collection():
    """Create a collection."""
    return _edit_collection(Collection(owner_id=current_user.id))


@bp.route("/collections/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def edit_collection(slug: str):
    """Edit a collection (its owner or a reviewer)."""
    found = collection_by_slug(slug)
    if found.owner_id != current_user.id and not current_user.may_review:
        abort(403)
    return _edit_collection(found)


def _edit_collection(found: Collection):
    form = CollectionForm(data=_form_data(found) if request.method == "GET" else None)
    if not form.validate_on_submit() or not _check(form, found):
        status = 422 if form.is_submitted() else 200
        return render_template(
            "practices/collection_edit.html", form=form, collection=found
        ), status
    _apply(found, form)
    flash(_("The collection has been saved."), "success")
    return redirect(url_for("practices.collection", slug=found.slug))


def _check(form: CollectionForm, found: Collection) -> bool:
    valid = True
    if not any((form[f"title_{code}"].data or "").strip() for code in LANGUAGES):
        form.title_ky.errors.append(_("Give the collection a title in at least one language."))
        valid = False
    other = db.session.execute(
        db.select(Collection).filter_by(slug=form.slug.data)
    ).scalar_one_or_none()
    if other is not None and other is not found:
        form.slug.errors.append(_("Another collection already uses this web address."))
        valid = False
    unknown = [slug for slug in _slugs(form) if _published(slug) is None]
    if unknown:
        form.practices.errors.append(
            _("No published practice has these addresses: %(slugs)s", slugs=", ".join(unknown))
        )
        valid = False
    return valid


def _slugs(form: CollectionForm) -> list[str]:
    lines = (line.strip() for line in (form.practices.data or "").splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def _published(slug: str):
    practice = services.practice_by_slug(slug)
    return practice if practice is not None and practice.status == Status.PUBLISHED else None


def _apply(found: Collection, form: CollectionForm) -> None:
    found.slug = form.slug.data
    found.translations = [
        CollectionTranslation(
            language=code,
            title=form[f"title_{code}"].data.strip(),
            introduction=(form[f"introduction_{code}"].data or "").strip(),
        )
        for code in LANGUAGES
        if (form[f"title_{code}"].data or "").strip()
    ]
    found.items = [
        CollectionItem(practice_id=_published(slug).id, position=position)
        for position, slug in enumerate(_slugs(form))
    ]
    db.session.add(found)
    db.session.commit()


def _form_data(found: Collection) -> dict:
    data = {"slug": found.slug or ""}
    for code in LANGUAGES:
        translation = found.translation(code)
        data[f"title_{code}"] = translation.title if translation else ""
        data[f"introduction_{code}"] = translation.introduction if translation else ""
    data["practices"] = "\n".join(item.practice.slug for item in found.items)
    return data
