"""Online courses for municipal employees: catalogue, lessons, quizzes, progress, certificates."""

from flask import Flask

from portal.demo import register_demo_loader


def init_app(app: Flask) -> None:
    """Register the courses blueprint and its demo content."""
    from courses import demo, views

    app.register_blueprint(views.bp)
    register_demo_loader(app, "courses", demo.load)
