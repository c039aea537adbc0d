"""axe-core finds no accessibility violations on any page type, in Kyrgyz, Russian and English.

axe-core comes from the npm registry (package.json; `make setup` runs `npm ci --omit=dev`).
"""

from pathlib import Path

import pytest
from sqlalchemy import select

from courses.models import Course
from portal.extensions import db
from portal.models import Role
from practices.models import Practice
from tests.browser.test_library_flow import log_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = ("ky", "ru", "en")
COURSE = "private-sector-local-services"
# Everything axe checks by default: WCAG 2.0/2.1 A and AA, and its best-practice rules.
RUN_AXE = "() => axe.run(document).then(result => result.violations.map(v => ({"
RUN_AXE += "rule: v.id, impact: v.impact, help: v.help,"
RUN_AXE += "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"


@pytest.fixture
def demo_site(app):
    """The demo content: courses, practices, users; returns the paths of one of each page."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci --omit=dev` (make setup does)", pytrace=False)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        reading = next(lesson for lesson in course.lessons if lesson.kind != "quiz")
        quiz = next(lesson for lesson in course.lessons if lesson.kind == "quiz")
        practice = db.session.scalars(select(Practice).order_by(Practice.id)).first()
        return {
            "lesson": f"/courses/{COURSE}/lessons/{reading.id}",
            "quiz": f"/courses/{COURSE}/lessons/{quiz.id}",
            "practice": f"/practices/{practice.slug}",
        }


PUBLIC_PAGES = (
    "/",
    "/courses/",
    f"/courses/{COURSE}",
    "/practices/",
    "/practices/map",
    "/practices/collections/",
    "/search?q=Каракол",
    "/search?q=zzqqxx",
    "/account/login",
    "/account/register",
    "/account/reset",
    "/certificates/AAAA-BBBB-CCCC",
)
LEARNER_PAGES = ("/courses/mine", "/account/profile")
TRAINER_PAGES = (
    "/practices/new",
    "/practices/mine",
    "/courses/manage",
    f"/courses/{COURSE}/edit",
    f"/courses/{COURSE}/learners",
    f"/courses/{COURSE}/delete",
    "/reports/",
)
ADMIN_PAGES = ("/admin/users", "/admin/audit")


def violations(page, path: str) -> list[dict]:
    """Open `path` and return axe's violations on it."""
    page.goto(path)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


def check_pages(page, paths) -> str:
    """axe's violations on the pages at `paths`, one line each; empty when there are none."""
    lines = []
    for path in paths:
        for problem in violations(page, path):
            lines.append(
                f"{path}: {problem['rule']} ({problem['impact']}): {problem['help']} "
                f"at {', '.join(problem['nodes'])}"
            )
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_accessibility_violations(new_page, demo_site, live_server, language):
    page = new_page(locale=language, bypass_csp=True)  # axe is injected as an inline script
    paths = PUBLIC_PAGES + (demo_site["practice"],)
    assert check_pages(page, paths) == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_learner_pages_have_no_accessibility_violations(
    new_page, demo_site, live_server, make_user, language
):
    page = new_page(bypass_csp=True)
    _id, email = make_user(Role.LEARNER, language=language)
    log_in(page, live_server, email)
    page.goto(f"/courses/{COURSE}")
    page.click("main form button[type=submit]")  # enrol
    course = f"/courses/{COURSE}"
    paths = LEARNER_PAGES + (demo_site["lesson"], demo_site["quiz"], course, f"{course}/leave")
    assert check_pages(page, paths) == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_trainer_and_admin_pages_have_no_accessibility_violations(
    new_page, demo_site, live_server, make_user, language
):
    page = new_page(bypass_csp=True)
    _id, email = make_user(Role.ADMIN, language=language)
    log_in(page, live_server, email)
    assert check_pages(page, TRAINER_PAGES + ADMIN_PAGES) == ""


def test_pages_fit_a_320_pixel_screen_without_sideways_scrolling(new_page, demo_site, live_server):
    page = new_page(viewport={"width": 320, "height": 640})
    too_wide = {}
    for path in PUBLIC_PAGES + (demo_site["practice"],):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(
    page, demo_site, live_server
):
    page.goto(demo_site["practice"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).left") != "-999px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
