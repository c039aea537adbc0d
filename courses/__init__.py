"""Online courses for municipal employees: catalogue, lessons, quizzes, progress, certificates."""

from flask import Flask

from portal.demo import register_demo_loader
from portal.reports import register_report_section
from portal.search import register_searchable


def init_app(app: Flask) -> None:
    """Register the courses blueprints, CLI, demo content, searchable types and dashboard."""
    from courses import cli, demo, models, views  # noqa: F401  (models registers the tables)
    from courses.dashboard import build_learning_section
    from courses.search import SEARCHABLE_COURSE, SEARCHABLE_LESSON

    app.register_blueprint(views.bp)
    app.register_blueprint(views.certificates)
    app.register_blueprint(views.api)
    app.cli.add_command(cli.courses_cli)
    register_demo_loader(app, "courses", demo.load)
    register_searchable(SEARCHABLE_COURSE)
    register_searchable(SEARCHABLE_LESSON)
    register_report_section(app, "learning", build_learning_section, order=10)
