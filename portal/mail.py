"""Outgoing e-mail: logged to the console by default, sent by SMTP when configured."""

import smtplib
import sys
from email.message import EmailMessage

from flask import Flask, current_app

OUTBOX_KEY = "portal.mail_outbox"


def init_app(app: Flask) -> None:
    """Prepare the in-memory outbox used by the `memory` backend (tests)."""
    app.extensions[OUTBOX_KEY] = []


def outbox() -> list[EmailMessage]:
    """Messages kept by the `memory` backend."""
    return current_app.extensions[OUTBOX_KEY]


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message through the configured backend."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    backend = config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend == "memory":
        outbox().append(message)
    else:
        # The console backend exists so a developer sees the message whatever the log level.
        print(f"--- e-mail (console backend) ---\n{message}", file=sys.stderr, flush=True)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
