"""Best-practice library routes: reading, writing, review, collections, feeds and the API."""

from flask import Blueprint

bp = Blueprint("practices", __name__, url_prefix="/practices", template_folder="../templates")
api = Blueprint("practices_api", __name__, url_prefix="/api/practices")

from practices.views import (  # noqa: E402,F401
    api_views,
    collections,
    downloads,
    editing,
    feeds,
    offline,
    public,
    review,
)
