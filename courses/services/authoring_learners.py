"""Trainers enrol learners by the e-mail addresses of their accounts (invitation-only courses)."""

import re
from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from courses.models import Course, Enrolment
from courses.services.progress import enrol, enrolment_of
from portal.auth.services import find_user_by_email, normalise_email
from portal.models import User

MAX_ADDRESSES = 500
ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class EnrolmentOutcome:
    """What became of each address a trainer gave."""

    enrolled: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def parse_addresses(text: str) -> list[str]:
    """The addresses in what was typed: one per line (commas and semicolons work too)."""
    found = (normalise_email(part) for part in re.split(r"[\n\r,;]+", text or ""))
    return list(dict.fromkeys(address for address in found if address))


def enrol_by_email(course: Course, addresses: list[str], trainer: User) -> EnrolmentOutcome:
    """Enrol the accounts with these addresses; report the rest."""
    outcome = EnrolmentOutcome()
    for address in addresses[:MAX_ADDRESSES]:
        if not ADDRESS.fullmatch(address):
            outcome.invalid.append(address)
            continue
        user = find_user_by_email(address)
        if user is None or user.is_deleted:
            outcome.unknown.append(address)
        elif enrolment_of(user, course) is not None:
            outcome.already.append(address)
        else:
            enrol(user, course, by=trainer)
            outcome.enrolled.append(address)
    return outcome


def enrolled_learners(course: Course) -> Select:
    """The course's enrolments with their learners, newest first."""
    return (
        select(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.course_id == course.id)
        .options(contains_eager(Enrolment.user))
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
    )
