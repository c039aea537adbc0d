"""Online courses for municipal employees: catalogue, lessons, quizzes, progress, certificates."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.audit import register_audit_action
from portal.demo import register_demo_loader
from portal.privacy import register_personal_data
from portal.reports import register_report_section
from portal.search import register_searchable


def init_app(app: Flask) -> None:
    """Register the courses blueprints, CLI, demo content, searchable types, dashboard,
    personal data and audited actions."""
    from courses import cli, demo, models, privacy, views  # noqa: F401  (models: the tables)
    from courses.dashboard import build_learning_section
    from courses.pictures import register_pictures
    from courses.search import SEARCHABLE_COURSE, SEARCHABLE_LESSON
    from courses.services.authoring import COURSE_DELETED
    from courses.services.certificates import CERTIFICATE_REINSTATED, CERTIFICATE_REVOKED

    app.register_blueprint(views.bp)
    app.register_blueprint(views.certificates)
    app.register_blueprint(views.api)
    app.cli.add_command(cli.courses_cli)
    register_demo_loader(app, "courses", demo.load)
    register_pictures(app)
    register_searchable(SEARCHABLE_COURSE)
    register_searchable(SEARCHABLE_LESSON)
    register_report_section(app, "learning", build_learning_section, order=10)
    register_personal_data(
        app,
        "courses",
        privacy.export_learning,
        privacy.erase_learning,
        privacy.COVERS,
        title=_l("Courses"),
        description=_l(
            "Courses you enrolled in, lessons you completed, your quiz attempts with your "
            "answers and scores, and your certificates with the address that verifies each."
        ),
    )
    register_audit_action(app, CERTIFICATE_REVOKED, _l("Certificate revoked"))
    register_audit_action(app, CERTIFICATE_REINSTATED, _l("Certificate reinstated"))
    register_audit_action(app, COURSE_DELETED, _l("Course deleted"))
