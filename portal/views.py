"""Pages of the portal itself: home, language switch, sitemap, API description."""

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from portal.forms import PortalForm
from portal.i18n import remember_language, supported_languages
from portal.reference_data import DATA_DIR
from portal.sitemap import sitemap_response
from portal.urls import safe_next_url

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Explain the portal in a few lines and lead to courses and the library."""
    return render_template("home.html")


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language and return to the page the visitor was on."""
    form = PortalForm()
    language = request.form.get("language", "")
    if not form.validate_on_submit() or language not in supported_languages():
        abort(400)
    remember_language(language)
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.home"))


@bp.route("/sitemap.xml")
def sitemap():
    """Addresses of every public page that search engines should know."""
    return sitemap_response()


@bp.route("/api/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of the public JSON API."""
    return send_from_directory(DATA_DIR, "openapi.json", mimetype="application/json")
