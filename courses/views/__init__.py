"""Course routes: catalogue, learning, quizzes, certificates, authoring, reports and the API."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="../templates")
certificates = Blueprint("certificates", __name__, url_prefix="/certificates")
api = Blueprint("courses_api", __name__, url_prefix="/api/courses")

from courses.views import (  # noqa: E402,F401
    api_views,
    authoring,
    authoring_lessons,
    authoring_outline,
    authoring_quiz,
    catalogue,
    certificate_views,
    downloads,
    lessons,
    offline,
    reports,
)
