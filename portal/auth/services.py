"""Account logic shared by views, the CLI and tests."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update

from portal.extensions import db
from portal.logs import keyed_hash, security_log
from portal.models import Role, User, new_session_token, utcnow

RESET_SALT = "password-reset"


def password_hasher() -> PasswordHasher:
    """Return the argon2id hasher with the configured cost."""
    config = current_app.config
    return PasswordHasher(
        time_cost=config.get("PASSWORD_HASH_TIME_COST", 3),
        memory_cost=config.get("PASSWORD_HASH_MEMORY_KIB", 65536),
        parallelism=config.get("PASSWORD_HASH_PARALLELISM", 2),
    )


def hash_password(password: str) -> str:
    """Hash `password` with argon2id."""
    return password_hasher().hash(password)


def password_matches(user: User, password: str) -> bool:
    """Check `password` against the user's hash, upgrading the hash if its cost changed."""
    matches, upgraded = verify_password(user.password_hash, password)
    if upgraded:
        user.password_hash = upgraded
    return matches


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Whether `password` matches `stored_hash`, and a new hash if the cost settings changed."""
    hasher = password_hasher()
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None


def normalise_email(email: str) -> str:
    """Compare e-mail addresses without case or surrounding spaces."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account registered with `email`, if any."""
    return db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def create_user(email: str, password: str, name: str, role: str = Role.LEARNER, **profile) -> User:
    """Create and store an account; the caller checks that the e-mail is free."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role(role),
        **profile,
    )
    db.session.add(user)
    db.session.commit()
    return user


@dataclass(frozen=True)
class LoginResult:
    """What happened when someone tried to log in."""

    user: User | None = None
    locked_minutes: int = 0

    @property
    def ok(self) -> bool:
        """Whether the credentials were accepted."""
        return self.user is not None


def authenticate(email: str, password: str) -> LoginResult:
    """Check credentials, counting failures per account and locking it after too many."""
    user = find_user_by_email(email)
    # Hashing takes a good part of a second of CPU: no transaction is held meanwhile, so on
    # SQLite (BEGIN IMMEDIATE) no other request waits for the write lock (benchmarks/load).
    if user is None:
        db.session.rollback()
        _spend_hashing_time(password)
        # A keyed hash, not the address: repeated guesses show up without the address in logs.
        security_log.warning("Login failed: unknown e-mail %s", keyed_hash(normalise_email(email)))
        return LoginResult()
    if user.locked_until and user.locked_until > utcnow():
        security_log.warning("Login refused: user %d is locked", user.id)
        return LoginResult(locked_minutes=_minutes_until(user.locked_until))
    stored_hash = user.password_hash
    db.session.rollback()
    matches, upgraded = verify_password(stored_hash, password)
    # Reloaded in a new transaction: a password changed meanwhile makes the old one fail.
    if not user.is_active or not matches or user.password_hash != stored_hash:
        security_log.warning("Login failed: user %d", user.id)
        return LoginResult(locked_minutes=record_failed_login(user))
    if upgraded:
        user.password_hash = upgraded
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    db.session.commit()
    security_log.info("Login succeeded: user %d", user.id)
    return LoginResult(user=user)


def record_failed_login(user: User) -> int:
    """Count a failed attempt atomically; return the lock length in minutes if now locked."""
    config = current_app.config
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_login_count=User.failed_login_count + 1)
    )
    db.session.commit()
    db.session.refresh(user)
    if user.failed_login_count < config["MAX_FAILED_LOGINS"]:
        return 0
    minutes = config["LOGIN_LOCK_MINUTES"]
    user.locked_until = utcnow() + timedelta(minutes=minutes)
    user.failed_login_count = 0
    db.session.commit()
    security_log.warning("Account locked: user %d for %d minutes", user.id, minutes)
    return minutes


def _minutes_until(moment) -> int:
    return max(1, int((moment - utcnow()).total_seconds() // 60) + 1)


def _spend_hashing_time(password: str) -> None:
    # Unknown addresses take as long as known ones, so timing does not reveal accounts.
    password_hasher().hash(password)


def end_all_sessions(user: User) -> None:
    """Invalidate every session of `user` (logout, password change) by rotating the token."""
    user.session_token = new_session_token()
    db.session.commit()


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end all existing sessions of the account."""
    user.password_hash = hash_password(new_password)
    user.failed_login_count = 0
    user.locked_until = None
    end_all_sessions(user)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # Tied to the current hash: once the password changes, every older link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    """Return a signed one-time token for resetting the user's password."""
    return _reset_serializer().dumps({"uid": user.id, "fp": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """Return the user a valid, unused, unexpired reset token belongs to."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or not user.is_active or data.get("fp") != _password_fingerprint(user):
        return None
    return user
