"""Notifications: follows, in-app notifications, preferences, and the e-mails they trigger.

Other domains' services call ``services.notify(Event(...))`` in their own transaction;
nothing here reaches into them. ``init_app`` registers the blueprint, the ``flask
notifications`` commands, and the mailer step that runs after a request (MAIL_SEND=inline).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    """Routes of the ``notifications`` blueprint, its commands, the inline mailer step."""
    from app import mail
    from app.notifications import cli, fanout, mailer, views  # noqa: F401 - registers routes

    if bp.name in app.blueprints:
        return
    app.register_blueprint(bp)
    app.cli.add_command(cli.notifications_cli)
    # Large fan-outs first (app.notifications.fanout), so their e-mails go out in the same step.
    mail.add_inline_step(app, fanout.inline_step)
    mail.add_inline_step(app, mailer.send_due_after_request)
