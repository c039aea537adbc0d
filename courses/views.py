"""Course pages."""

from flask import Blueprint, render_template

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")


@bp.route("/")
def index():
    """The course catalogue."""
    return render_template("courses/index.html")
