"""Certificates: issued once per completed course, with a code anyone can check."""

import secrets
from datetime import datetime

from sqlalchemy import select

from courses.models import Certificate, Course, Enrolment
from portal.audit import record_audit_event
from portal.database import insert_once
from portal.extensions import db
from portal.models import User, utcnow

#: Letters and digits that cannot be mistaken for each other when read aloud or typed.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12

CERTIFICATE_REVOKED = "certificate.revoked"
CERTIFICATE_REINSTATED = "certificate.reinstated"


def new_code() -> str:
    """A random verification code like 7KQM-3XRT-HW9P (60 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """A code as typed (any case, spaces, missing dashes) in its stored form."""
    raw = "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)[: CODE_LENGTH + 1]
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def certificate_for(user: User, course: Course) -> Certificate | None:
    """The learner's certificate for the course, if issued."""
    return db.session.execute(
        select(Certificate).filter_by(user_id=user.id, course_id=course.id)
    ).scalar_one_or_none()


def issue_certificate(
    user: User, course: Course, language: str, issued_at: datetime | None = None
) -> None:
    """Issue the certificate of a course the learner completed, once (the caller commits).

    Issued in the completion's own transaction, so a completed course never lacks its
    certificate and pages that show it only read.
    """
    if not course.certificate:
        return
    if language not in course.languages:
        language = course.languages[0]
    values = {
        "code": new_code(),
        "user_id": user.id,
        "course_id": course.id,
        "issued_at": issued_at or utcnow(),
        "learner_name": user.name,
        "course_title": course.translation(language).title,
        "language": language,
        "hours": course.certificate_hours,
        "organisation": course.organisation,
    }
    insert_once(Certificate, values, ["user_id", "course_id"])


def issue_missing_certificates(course: Course) -> int:
    """Certificates for learners who completed the course before it gave any (caller commits).

    Each is dated the day its learner completed the course, as if issued then.
    """
    completions = db.session.execute(
        select(User, Enrolment.completed_at)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course.id, Enrolment.completed_at.is_not(None))
        .where(~select(Certificate.id).filter_by(user_id=User.id, course_id=course.id).exists())
    ).all()
    for learner, completed_at in completions:
        issue_certificate(learner, course, learner.language, issued_at=completed_at)
    return len(completions)


def find_certificate(code: str) -> Certificate | None:
    """The certificate with this code, revoked ones included."""
    return db.session.execute(
        select(Certificate).filter_by(code=normalise_code(code))
    ).scalar_one_or_none()


def revoke(certificate: Certificate, reason: str, by: User | None = None) -> None:
    """Mark a certificate as no longer valid, keeping it so its page can say so and who did."""
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason.strip()[:300]
    certificate.revoked_by_id = by.id if by is not None else None
    record_audit_event(CERTIFICATE_REVOKED, by, certificate_holder(certificate), **ids(certificate))
    db.session.commit()


def reinstate(certificate: Certificate, by: User | None = None) -> None:
    """Make a revoked certificate valid again (a revocation made by mistake)."""
    certificate.revoked_at = None
    certificate.revoked_reason = ""
    certificate.revoked_by_id = None
    holder = certificate_holder(certificate)
    record_audit_event(CERTIFICATE_REINSTATED, by, holder, **ids(certificate))
    db.session.commit()


def certificate_holder(certificate: Certificate) -> User | None:
    """The account the certificate was issued to, if it still exists."""
    return db.session.get(User, certificate.user_id) if certificate.user_id else None


def ids(certificate: Certificate) -> dict:
    """What the audit trail records of a certificate: identifiers, never the name."""
    return {
        "certificate_id": certificate.id,
        "code": certificate.code,
        "course_id": certificate.course_id,
    }
