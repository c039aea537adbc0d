"""What every visitor sees: the library list, a practice, its files, the map."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.extensions import db
from portal.i18n import current_language, pick_translation
from portal.maps import region_map
from portal.paging import requested_page
from portal.reference_data import all_regions, all_topics
from portal.uploads import send_stored_file
from practices import services
from practices.forms import BUDGET_SOURCE_LABELS, ReplicationForm
from practices.models import Practice, PracticeAttachment, Status
from practices.queries import LibraryFilters, counts_by_region, published_practices, published_years
from practices.views import bp

PER_PAGE = 20


@bp.route("/")
def index():
    """The library: published practices, newest first, with filters."""
    filters = LibraryFilters.from_request()
    page = db.paginate(
        published_practices(filters),
        page=requested_page(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
    )
    return render_template(
        "practices/list.html",
        page=page,
        filters=filters,
        regions=all_regions(),
        topics=all_topics(),
        years=published_years(),
    )


def visible_practice(slug: str) -> Practice:
    """The practice at `slug` if this visitor may read it, else 404."""
    practice = services.practice_by_slug(slug)
    if practice is None:
        abort(404)
    if practice.status in (Status.PUBLISHED, Status.ARCHIVED):
        return practice
    if current_user.is_authenticated and services.may_edit(current_user, practice):
        return practice
    abort(404)


def is_public(practice: Practice) -> bool:
    """Whether anyone may read the practice, so shared caches may keep its files."""
    return practice.status in (Status.PUBLISHED, Status.ARCHIVED)


def child_or_404(model, item_id: int, practice: Practice):
    """The `model` row `item_id` if it belongs to `practice` (ids of other practices: 404)."""
    item = db.session.get(model, item_id)
    if item is None or item.practice_id != practice.id:
        abort(404)
    return item


@bp.route("/<slug>")
def detail(slug: str):
    """One practice in the visitor's language, or the language asked for with ?lang=."""
    practice = visible_practice(slug)
    page = render_detail(practice, ReplicationForm())
    if is_reader_view(practice):
        # Counted after rendering: the commit expires the loaded rows the page still needs.
        services.count_view(practice.id)
    return page


def is_reader_view(practice: Practice) -> bool:
    """A published page shown (not HEAD) to a person who is not one of its editors."""
    if request.method == "HEAD" or practice.status != Status.PUBLISHED:
        return False
    if services.is_robot(request.user_agent.string):
        return False
    return not (current_user.is_authenticated and services.may_edit(current_user, practice))


def render_detail(practice: Practice, replication_form: ReplicationForm, status: int = 200):
    """Render a practice page; `status` is 422 when the replication form came back invalid."""
    wanted = request.args.get("lang")
    if wanted not in practice.languages:
        wanted = current_language()
    translation = pick_translation(practice.translations, wanted)
    html = render_template(
        "practices/detail.html",
        practice=practice,
        translation=translation,
        wanted_language=wanted,
        useful=services.useful_count(practice),
        replications=services.replications(practice),
        replication_form=replication_form,
        budget_labels=BUDGET_SOURCE_LABELS,
        related=[p for p in practice.related if p.status == Status.PUBLISHED],
        can_edit=current_user.is_authenticated and services.may_edit(current_user, practice),
    )
    return html, status


@bp.route("/<slug>/files/<int:attachment_id>")
def attachment(slug: str, attachment_id: int):
    """Download a file attached to a practice."""
    practice = visible_practice(slug)
    item = child_or_404(PracticeAttachment, attachment_id, practice)
    extension = item.stored_file.extension
    return send_stored_file(
        item.stored_file, download_name=f"{item.title}.{extension}", public=is_public(practice)
    )


@bp.route("/<slug>/cover")
def cover(slug: str):
    """The practice's cover image, shown inline."""
    practice = visible_practice(slug)
    if practice.cover is None:
        abort(404)
    return send_stored_file(
        practice.cover,
        download_name=f"{slug}.{practice.cover.extension}",
        inline=True,
        public=is_public(practice),
    )


@bp.route("/<slug>/useful", methods=["POST"])
@login_required
def mark_useful(slug: str):
    """Count this account's 'useful' vote once."""
    practice = visible_practice(slug)
    services.mark_useful(practice, current_user)
    flash(_("Thank you: your vote has been saved."), "success")
    return redirect(url_for("practices.detail", slug=slug))


@bp.route("/<slug>/applied", methods=["POST"])
@login_required
def mark_applied(slug: str):
    """Record that the user's municipality applied this practice."""
    practice = visible_practice(slug)
    form = ReplicationForm()
    if not form.validate_on_submit():
        return render_detail(practice, form, status=422)
    services.record_replication(practice, current_user, form.note.data or "")
    flash(_("Saved: your municipality is listed as applying this practice."), "success")
    return redirect(url_for("practices.detail", slug=slug))


@bp.route("/map")
def map_view():
    """Kyrgyzstan's regions shaded by the number of published practices."""
    counts = counts_by_region()
    return render_template(
        "practices/map.html", region_map=region_map(counts), counts=counts, regions=all_regions()
    )
