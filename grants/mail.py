"""Sending email. Every message is kept in the outbox table; the SMTP backend also sends it."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from grants.extensions import db
from grants.models.mail import OutboxMessage


def send_email(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a plain-text message in the session and, with ``MAIL_BACKEND=smtp``, send it now.

    A failure to send is recorded on the message rather than raised, so that the user's action
    (which may already have succeeded) is not undone by a mail server being down.
    """
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, status="kept")
    db.session.add(message)
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        email = EmailMessage()
        email["From"] = config["MAIL_SENDER"]
        email["To"] = recipient
        email["Subject"] = subject
        email.set_content(body)
        try:
            with smtplib.SMTP(
                config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]
            ) as smtp:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
                smtp.send_message(email)
            message.status = "sent"
        except (OSError, smtplib.SMTPException) as error:
            current_app.logger.warning("Email to %s not sent: %s", recipient, error)
            message.status = "failed"
            message.error = str(error)[:500]
    return message
