"""Simulated people for the load test: visitors read and search the library (80 %), learners take
the courses (20 %), and two trainers edit and publish practices now and then.

run.py starts this with LOAD_ACCOUNTS (the accounts file written by portal_tasks.py populate)
and LOAD_RUN_DIR; by hand: `locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:PORT`.
Request names start with their category (page, search, action, trainer), which the summary
reports separately.
"""

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from learning import LearnerJourney  # noqa: E402
from page_parser import links, parse  # noqa: E402
from search import QUERIES  # noqa: E402  (the search benchmark's query mix)
from trainers import TrainerSession  # noqa: E402

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
WAIT = [float(s) for s in os.environ.get("LOAD_WAIT", "1,5").split(",")]
BROWSERS = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
)
LANGUAGES = ("ky", "ky", "ky", "ru", "ru", "en")
PRACTICE_LINK = re.compile(r"^/practices/([a-z0-9][a-z0-9-]*)$")
NOT_PRACTICES = {"map", "new", "mine", "review", "collections", "feed.atom"}
REGIONS = ("chui", "osh", "jalal-abad", "issyk-kul", "batken", "naryn", "talas", "bishkek")
TOPICS = ("waste-management", "citizen-budget", "street-lighting", "water-supply")
ADDRESSES = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))
LEARNER_EMAILS = iter(ACCOUNTS["learners"])
TRAINER_EMAILS = itertools.cycle(ACCOUNTS["trainers"])


def next_page_link(response) -> str | None:
    """The link to a list's next page, if the page has one."""
    if response.status_code != 200:
        return None
    anchor = parse(response.text).find("a", rel="next")
    return anchor.attrs.get("href") if anchor else None


class Person(HttpUser):
    """Someone on their own device: own address (behind the proxy), browser and language."""

    abstract = True
    wait_time = between(*WAIT)

    def on_start(self):
        """Dress the client like a browser on a device of its own."""
        self.rng = random.Random()
        language = self.rng.choice(LANGUAGES)
        self.client.headers.update(
            {
                "X-Forwarded-For": next(ADDRESSES),
                "User-Agent": self.rng.choice(BROWSERS),
                "Accept-Language": f"{language},ru;q=0.8,en;q=0.5",
            }
        )

    def page(self, url: str, name: str, expected=(200,)):
        """GET a page, counting any status outside `expected` as a failure."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code not in expected:
                response.failure(f"status {response.status_code}")
            else:
                response.success()
        return response


class Visitor(Person):
    """An anonymous reader: home page, library with filters, practices, search, courses."""

    weight = 4

    def on_start(self):
        """Start with the practices the home page links to."""
        super().on_start()
        self.seen_practices = list(ACCOUNTS["practices"][:20])

    @task(2)
    def home(self):
        """The home page."""
        self.remember_practices(self.page("/", "page:home"))

    @task(3)
    def library(self):
        """The library list, often narrowed by region, topic, year or language."""
        filters = {}
        if self.rng.random() < 0.6:
            filters["region"] = self.rng.choice(REGIONS)
        if self.rng.random() < 0.4:
            filters["topic"] = self.rng.choice(TOPICS)
        if self.rng.random() < 0.2:
            filters["year"] = self.rng.randrange(2015, 2026)
        query = "&".join(f"{key}={value}" for key, value in filters.items())
        response = self.page(f"/practices/?{query}", "page:library")
        self.remember_practices(response)
        following = next_page_link(response)
        if following and self.rng.random() < 0.3:
            self.remember_practices(self.page(following, "page:library"))

    @task(4)
    def practice(self):
        """A practice seen in a list, or one opened from a shared link."""
        if self.rng.random() < 0.7 and self.seen_practices:
            slug = self.rng.choice(self.seen_practices)
        else:
            slug = self.rng.choice(ACCOUNTS["practices"])
        self.page(f"/practices/{slug}", "page:practice")

    @task(4)
    def search(self):
        """A search from the benchmark's mix, sometimes a second page, then maybe a result."""
        _category, text, filters = self.rng.choice(QUERIES)
        params = {"q": text} | {k if k != "language" else "lang": v for k, v in filters.items()}
        if self.rng.random() < 0.1:
            params["page"] = 2
        with self.client.get(
            "/search", params=params, name="search:search", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
        self.remember_practices(response)

    @task(1)
    def courses(self):
        """The catalogue, then one course page."""
        self.page("/courses/", "page:courses")
        self.page(f"/courses/{self.rng.choice(ACCOUNTS['courses'])}", "page:course")

    @task(1)
    def certificate(self):
        """Checking a certificate code, now and then a mistyped one."""
        if self.rng.random() < 0.1:
            self.page("/certificates/AAAA-BBBB-CCCC", "page:certificate", expected=(404,))
        else:
            code = self.rng.choice(ACCOUNTS["certificates"])
            self.page(f"/certificates/{code}", "page:certificate")

    def remember_practices(self, response) -> None:
        """Keep the practice links of a page to open one of them later."""
        if response.status_code != 200:
            return
        for href in links(parse(response.text), "/practices/"):
            match = PRACTICE_LINK.match(href.split("?")[0])
            if match and match.group(1) not in NOT_PRACTICES:
                self.seen_practices.append(match.group(1))
        self.seen_practices = self.seen_practices[-100:]


class Learner(Person):
    """A learner with an account of their own: enrols, reads lessons, marks them complete, takes
    the quizzes (a hurried wrong attempt, then the right answers from the feedback)."""

    weight = 1

    def on_start(self):
        """Log in with the next prepared account."""
        super().on_start()
        self.journey = LearnerJourney(self, ACCOUNTS["password"])
        self.journey.log_in(next(LEARNER_EMAILS))

    @task
    def learn(self):
        """Take the next course; with every course done, hand over to the next account."""
        if not self.journey.logged_in:
            self.journey.log_in(self.journey.email)  # the login failed: try again
        elif not self.journey.take_next_course(ACCOUNTS["courses"]):
            self.journey.log_out()
            self.journey.log_in(next(LEARNER_EMAILS))


class Trainer(Person):
    """A trainer who edits practices, writes new ones and publishes colleagues' drafts."""

    fixed_count = 2
    wait_time = between(WAIT[0] * 5, WAIT[1] * 5)

    def on_start(self):
        """Log in with a trainer account."""
        super().on_start()
        self.session = TrainerSession(self, ACCOUNTS["password"], ACCOUNTS["practices"])
        self.session.log_in(next(TRAINER_EMAILS))

    @task(4)
    def edit(self):
        """Correct the summary of a published practice."""
        self.session.edit_summary()

    @task(1)
    def write(self):
        """Write a new practice and send it for review."""
        self.session.write_practice()

    @task(1)
    def review(self):
        """Publish a practice a colleague sent for review."""
        self.session.publish_waiting()
