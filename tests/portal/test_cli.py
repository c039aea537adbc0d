"""The command-line tools print what they did and fail with one clear line."""

from portal.extensions import db
from portal.models import District, Region, Role, User
from tests.conftest import drop_tables


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_init_creates_the_schema_and_is_idempotent(app, runner):
    with app.app_context():
        drop_tables()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "9 regions, 40 districts and 14 topics" in first.output
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert count(app, Region) == 9 and count(app, District) == 40


def test_create_admin_from_a_password_file(app, runner, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text("a very good password\n", encoding="utf-8")
    args = ["create-admin", "--email", "Boss@Example.kg", "--password-file", str(password_file)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.execute(db.select(User)).scalar_one()
        assert (admin.email, admin.role) == ("boss@example.kg", Role.ADMIN)
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output


def test_create_admin_prompts_and_checks_the_password(app, runner):
    result = runner.invoke(args=["create-admin"], input="a@b.kg\nshort\nshort\n")
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    result = runner.invoke(args=["create-admin", "--email", "not an address"], input="x\nx\n")
    assert result.exit_code != 0 and "invalid e-mail" in result.output
    assert count(app, User) == 0


def test_demo_prints_passwords_and_does_not_duplicate(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert first.output.count("password: ") == 3
    assert "unchanged" not in first.output
    second = runner.invoke(args=["demo"])
    assert "unchanged" in second.output
    assert count(app, User) == 3
    reset = runner.invoke(args=["demo", "--reset-passwords"])
    assert "unchanged" not in reset.output and count(app, User) == 3


def test_translate_compile_reports_the_languages(runner):
    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    assert "en, ky, ru" in result.output
