"""Best-practice library routes: reading, writing, review, collections, feeds and the API."""

from flask import Blueprint

bp = Blueprint("practices", __name__, url_prefix="/practices", template_folder="../templates")
api = Blueprint("practices_api", __name__, url_prefix="/api/practices")

from practices.views import api_views, collections, editing, feeds, public, review  # noqa: E402,F401
