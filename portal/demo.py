"""Demo content: the portal's own demo accounts plus loaders registered by feature packages."""

import secrets
from collections.abc import Callable

from flask import Flask, current_app

from portal.auth.services import create_user, find_user_by_email, hash_password
from portal.extensions import db
from portal.models import Role
from portal.reference_data import region_by_code

LOADERS_KEY = "portal.demo_loaders"

#: Demo accounts; passwords are generated when they are created, never stored in code.
DEMO_ACCOUNTS = [
    {
        "email": "admin@demo.portal.kg",
        "name": "Demo Administrator",
        "role": Role.ADMIN,
        "region": "bishkek",
        "position": "Portal administrator",
        "language": "ky",
    },
    {
        "email": "trainer@demo.portal.kg",
        "name": "Demo Trainer",
        "role": Role.TRAINER,
        "region": "issyk-kul",
        "position": "Trainer",
        "language": "ru",
    },
    {
        "email": "learner@demo.portal.kg",
        "name": "Demo Learner",
        "role": Role.LEARNER,
        "region": "jalal-abad",
        "municipality": "Ala-Buka ayil aimak",
        "position": "Specialist, ayil okmotu",
        "gender": "female",
        "language": "ky",
    },
]


def register_demo_loader(app: Flask, name: str, loader: Callable[[], str]) -> None:
    """Let a feature package add its demo content to `flask demo`; `loader` returns a summary."""
    app.extensions.setdefault(LOADERS_KEY, {})[name] = loader


def demo_loaders() -> dict[str, Callable[[], str]]:
    """The loaders registered by feature packages, by name."""
    return current_app.extensions.get(LOADERS_KEY, {})


def ensure_demo_accounts(reset_passwords: bool = False) -> list[tuple[str, str, str | None]]:
    """Create missing demo accounts; return (e-mail, role, new password or None) for each."""
    report = []
    for account in DEMO_ACCOUNTS:
        user = find_user_by_email(account["email"])
        password = secrets.token_urlsafe(12) if user is None or reset_passwords else None
        if user is None:
            profile = {k: v for k, v in account.items() if k not in {"email", "name", "region"}}
            region = region_by_code(account["region"])
            user = create_user(
                account["email"],
                password,
                account["name"],
                region_id=region.id if region else None,
                **profile,
            )
        elif password:
            user.password_hash = hash_password(password)
            db.session.commit()
        report.append((user.email, user.role, password))
    return report
