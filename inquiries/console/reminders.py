"""The daily reminder list: written to the ledger, shown in the console, optionally e-mailed."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import Flask

from content_feed import clock, ledger
from content_feed.db import db
from content_feed.timefmt import local
from inquiries.handling import reminder_list, reminder_text


def send_reminders(app: Flask, now=None) -> str:
    """Build today's list, record it, and mail it when configured. Returns the text."""
    with app.app_context():
        today = local(now or clock.now()).date()
        text = reminder_text(reminder_list(db.session, today), today)
        ledger.record(db.session, "inquiry.reminder", actor_name="系统", summary=text)
        db.session.commit()
        settings = app.config["SUNLIGHT"]["feedback"]
        if settings["reminder_email_to"] and settings["smtp_host"]:
            message = EmailMessage()
            message["Subject"] = f"{app.config['SUNLIGHT']['hall']['name']} 办理提醒 {today}"
            message["From"] = settings["reminder_email_from"]
            message["To"] = settings["reminder_email_to"]
            message.set_content(text)
            try:
                with smtplib.SMTP(settings["smtp_host"], settings["smtp_port"], timeout=30) as s:
                    s.send_message(message)
            except OSError as exc:  # the ledger already has the list; say why mail failed
                app.logger.warning("reminder e-mail not sent: %s", exc)
        return text
