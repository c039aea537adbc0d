"""A learner's way through a course, through the real forms: log in, enrol, read each lesson,
mark it complete, and take the quiz; every record the server acknowledges is written down."""

import random

from page_parser import csrf_token, form_with_action, links, parse
from quiz_pages import (
    attempt_passed,
    correct_answers,
    form_questions,
    guessed_answers,
    right_answers_shown,
)
from recording import RECORDER, acknowledged


class LearnerJourney:
    """One simulated learner's session on the portal (`user` is the Locust user)."""

    def __init__(self, user, password: str):
        self.user = user
        self.client = user.client
        self.password = password
        self.email = ""
        self.logged_in = False
        self.finished: set[str] = set()
        self.rng = random.Random()

    def log_in(self, email: str) -> None:
        """Open the login page and send the form with its token, in a browser session of its
        own: a failed logout (the database down) must not leave the previous account's session,
        or that account's progress would be noted under this one's name."""
        self.client.cookies.clear()
        self.email, self.finished, self.logged_in = email, set(), False
        page = self.user.page("/account/login", "page:login")
        if page.status_code != 200:
            return
        form = {"csrf_token": csrf_token(parse(page.text)), "email": email}
        response = self.post("/account/login", form | {"password": self.password}, "action:login")
        # A good login redirects away from the form; a refused one shows the form again.
        self.logged_in = response.status_code in (302, 303) and acknowledged(response)

    def log_out(self) -> None:
        """Log out through the form in the page header."""
        page = self.user.page("/courses/mine", "page:my-learning")
        self.post("/account/logout", {"csrf_token": csrf_token(parse(page.text))}, "action:logout")
        self.logged_in = False

    def post(self, url: str, data, name: str):
        """POST a form without following the redirect, as its answer is what we check."""
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if not acknowledged(response):
                response.failure(f"status {response.status_code}")
        return response

    def take_next_course(self, slugs: list[str]) -> bool:
        """Work through the first course not finished yet; False when all are finished."""
        waiting = [slug for slug in slugs if slug not in self.finished]
        if not waiting:
            return False
        slug = waiting[0]
        page = parse(self.user.page(f"/courses/{slug}", "page:course").text)
        if form_with_action(page, f"/courses/{slug}/enrol"):
            self.enrol(slug, csrf_token(page))
            page = parse(self.user.page(f"/courses/{slug}", "page:course").text)
        for lesson_url in links(page, f"/courses/{slug}/lessons/"):
            self.user.wait()
            self.take_lesson(slug, lesson_url)
        self.finished.add(slug)
        return True

    def enrol(self, slug: str, token: str) -> None:
        """Enrol with the course page's button."""
        response = self.post(f"/courses/{slug}/enrol", {"csrf_token": token}, "action:enrol")
        if acknowledged(response):
            RECORDER.acknowledge("enrolment", self.email, course=slug)

    def take_lesson(self, slug: str, lesson_url: str) -> None:
        """Read a lesson and mark it complete, or take its quiz."""
        lesson_id = int(lesson_url.rstrip("/").rsplit("/", 1)[-1])
        page = parse(self.user.page(lesson_url, "page:lesson").text)
        if form_with_action(page, f"{lesson_url}/attempts"):
            self.take_quiz(lesson_url, lesson_id, page)
            return
        if form_with_action(page, f"{lesson_url}/complete") is None:
            return  # already complete: the page offers no button
        self.user.wait()
        data = {"csrf_token": csrf_token(page)}
        response = self.post(f"{lesson_url}/complete", data, "action:complete")
        if acknowledged(response):
            RECORDER.acknowledge("completion", self.email, lesson_id=lesson_id)

    def take_quiz(self, lesson_url: str, lesson_id: int, page) -> None:
        """A hurried attempt, then (unless it passed) one with the answers the feedback showed."""
        questions = form_questions(form_with_action(page, f"{lesson_url}/attempts"))
        guess = guessed_answers(questions, self.rng)
        feedback = self.submit_attempt(lesson_url, lesson_id, page, guess)
        if feedback is None or attempt_passed(feedback):
            return
        self.user.wait()
        page = parse(self.user.page(lesson_url, "page:lesson").text)
        form = form_with_action(page, f"{lesson_url}/attempts")
        if form is None:
            return  # no attempts left
        shown = right_answers_shown(feedback)
        answers = correct_answers(form_questions(form), shown)
        self.submit_attempt(lesson_url, lesson_id, page, answers)

    def submit_attempt(self, lesson_url: str, lesson_id: int, page, answers):
        """Send answers; note the acknowledged attempt and return its feedback page."""
        data = [("csrf_token", csrf_token(page)), *answers]
        response = self.post(f"{lesson_url}/attempts", data, "action:quiz")
        if not acknowledged(response):
            return None
        location = response.headers.get("Location", "")
        attempt_id = int(location.rstrip("/").rsplit("/", 1)[-1])
        RECORDER.acknowledge("attempt", self.email, lesson_id=lesson_id, attempt_id=attempt_id)
        return parse(self.user.page(location, "page:attempt").text)
