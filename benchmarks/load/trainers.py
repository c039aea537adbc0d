"""A trainer's work in the library through the real editor forms, so the search changelog gets
the traffic it has in production: corrected summaries, new practices, publications."""

import random
import time

from page_parser import csrf_token, form_fields, parse
from recording import acknowledged

NEW_PRACTICE_TEXT = {
    "title": "Айыл өкмөтү таштанды чогултууну жеке ишканага берди",
    "summary": "Караколдо таштанды чогултуу боюнча келишим: тарифтер, көзөмөл жана жыйынтыктар.",
    "body": (
        "Айыл өкмөтү жеке ишкана менен келишим түзүп, таштанды чогултуу графигин "
        "жарандар менен бирге бекитти. Көчө жарыгы жана бюджеттик угуулар да талкууланды."
    ),
}


class TrainerSession:
    """One simulated trainer (`user` is the Locust user); a reviewer, as trainers here are."""

    def __init__(self, user, password: str, practices: list[str]):
        self.user = user
        self.client = user.client
        self.password = password
        self.practices = [slug for slug in practices if slug.startswith("bench-")] or practices
        self.rng = random.Random()

    def log_in(self, email: str) -> None:
        """Open the login page and send the form with its token."""
        page = self.user.page("/account/login", "page:login")
        data = {"csrf_token": csrf_token(parse(page.text)), "email": email}
        self.post("/account/login", data | {"password": self.password}, "action:login")

    def post(self, url: str, data, name: str, expected=()):
        """POST a form without following the redirect; 2xx/3xx or `expected` count as success."""
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if acknowledged(response) or response.status_code in expected:
                response.success()
            else:
                response.failure(f"status {response.status_code}")
        return response

    def editor(self, url: str):
        """The editor page's form fields, or None when the page did not open."""
        response = self.user.page(url, "trainer:editor")
        if response.status_code != 200:
            return None
        page = parse(response.text)
        form = next((f for f in page.find_all("form") if f.find("input", name="slug")), None)
        return form_fields(form) if form is not None else None

    def edit_summary(self) -> None:
        """Rewrite the end of a practice's summary in every language it has, and save."""
        slug = self.rng.choice(self.practices)
        fields = self.editor(f"/practices/{slug}/edit")
        if fields is None:
            return
        stamp = f" ({time.strftime('%H:%M:%S')})"
        edited = [
            (name, value.split(" (")[0][: 300 - len(stamp)] + stamp)
            if name.endswith("-summary") and value
            else (name, value)
            for name, value in fields
        ]
        self.user.wait()
        self.post(f"/practices/{slug}/edit", edited + [("save", "1")], "trainer:save")

    def write_practice(self) -> None:
        """Write a new practice in Kyrgyz and send it for review."""
        fields = dict(self.editor("/practices/new") or [])
        if not fields:
            return
        slug = f"load-{int(time.time() * 1000)}-{self.rng.randrange(1000)}"
        fields |= {"slug": slug, "region": "issyk-kul", "topics": "waste-management"}
        fields |= {"year": "2024", "district": ""} | {
            f"ky-{k}": v for k, v in NEW_PRACTICE_TEXT.items()
        }
        self.user.wait()
        data = list(fields.items()) + [("submit_for_review", "1")]
        self.post("/practices/new", data, "trainer:create")

    def publish_waiting(self) -> None:
        """Publish the oldest practice waiting for review (a colleague's: one's own gives 409)."""
        response = self.user.page("/practices/review", "trainer:review-queue")
        page = parse(response.text) if response.status_code == 200 else None
        forms = page.find_all("form", class_="stacked") if page else []
        for form in forms[:2]:
            action = form.attrs.get("action", "")
            if not action.endswith("/review"):
                continue
            data = {"csrf_token": csrf_token(form), "action": "publish", "comment": ""}
            answer = self.post(action, data, "trainer:publish", expected=(409,))
            if answer.status_code != 409:
                return
