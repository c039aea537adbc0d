"""Best-practice library pages."""

from flask import Blueprint, render_template

bp = Blueprint("practices", __name__, url_prefix="/practices", template_folder="templates")


@bp.route("/")
def index():
    """The library of case studies."""
    return render_template("practices/index.html")
