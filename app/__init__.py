"""Helpsquare: a community support forum."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, current_app
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as app_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config → proxies → extensions → blueprints → errors → CLI."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.session_interface = _CookieSessions()
    _configure(app, test_config)
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_errors_and_cli(app)
    return app


def _configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_object(app_config.DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    from_env = app_config.settings_from_env(os.environ)
    if from_env.get("APP_ENV", app.config["APP_ENV"]) == "production":
        app.config.from_object(app_config.ProductionConfig)
    app.config.update(from_env)
    if test_config:
        app.config.update(test_config)
    options = app_config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    options.update(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    app_config.check_production(app.config)
    app_config.check_email_verification(app.config)
    os.makedirs(app.instance_path, exist_ok=True)


def _trust_proxies(app: Flask) -> None:
    """Read the client's address (and scheme) from the proxies we run, and from no one else.

    ``TRUSTED_PROXY_COUNT`` proxies each append the address they were connected from to
    X-Forwarded-For, so the n-th value from the end is the client as our outermost proxy
    saw it; anything before it was written by the client and is ignored. With 0 (the
    default) no X-Forwarded-* header is read: the client is whoever connected, so a forged
    header cannot dodge the rate limits. X-Forwarded-Proto is trusted as far, so e-mailed
    links say https behind a proxy that ends TLS. X-Forwarded-Host is never trusted: the
    proxy passes the Host header on, TRUSTED_HOSTS checks it, and a second, unchecked
    source for the host of e-mailed links would only be a way to poison them.
    """
    count = app.config["TRUSTED_PROXY_COUNT"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise app_config.ConfigError(
            f"TRUSTED_PROXY_COUNT must be a whole number of proxies (0 or more), not {count!r}."
        )
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from app import db as db_module
    from app import i18n, limits, ops, security, uploads
    from app.accounts import auth
    from app.extensions import cache, compress, csrf, db, limiter, login_manager, migrate

    _import_models()
    db.init_app(app)
    with app.app_context():
        db_module.configure_engine(db.engine)
    # Batch mode lets SQLite alter tables (it rebuilds them); a no-op on PostgreSQL.
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    # Before CSRF protection, which reads the form first: posts with images may be larger.
    app.before_request(uploads.allow_upload_bodies)
    csrf.init_app(app)
    i18n.init_app(app)  # the request's language; gettext in templates and Python
    # Before the limiter: after-request functions run last-registered first, so this one
    # sees the headers flask-limiter adds.
    app.after_request(limits.drop_stray_retry_after)
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    auth.init_login_manager(login_manager)
    security.init_app(app)
    ops.init_app(app)  # /healthz, /readyz, /metrics; the request id; JSON request logs
    if not app.config["PROXY_COMPRESSES"]:
        # Registered last but one, so it runs early among the app's after-request functions
        # (the later ones only set headers); a blueprint's (the feeds' ETag) run before it.
        compress.init_app(app)
        app.after_request(_read_files_whole)  # runs just before compress


def _read_files_whole(response: Response) -> Response:
    """A static file leaves as a stream of the open file, which flask-compress would
    compress chunk by chunk and never close: read it whole first (a stylesheet is a few
    kilobytes), so the file closes with the response and the body is compressed at once."""
    compressible = current_app.config["COMPRESS_MIMETYPES"]
    if response.direct_passthrough and response.mimetype in compressible:
        response.direct_passthrough = False
        response.make_sequence()
    return response


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but a request without a session cookie (most
    readers: signed out, from a search engine) gets its empty session without the signing
    serializer Flask builds on every request only to find there is nothing to read."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def _import_models() -> None:
    """Every model on the metadata, so migrations and the ORM see the whole schema."""
    from app.accounts import models as _accounts  # noqa: F401
    from app.answers import models as _answers  # noqa: F401
    from app.comments import models as _comments  # noqa: F401
    from app.companies import models as _companies  # noqa: F401
    from app.integrations import models as _integrations  # noqa: F401
    from app.mail import models as _mail  # noqa: F401
    from app.moderation import flag_models as _flags  # noqa: F401
    from app.moderation import models as _moderation  # noqa: F401
    from app.notifications import models as _notifications  # noqa: F401
    from app.products import models as _products  # noqa: F401
    from app.questions import models as _questions  # noqa: F401
    from app.reputation import models as _reputation  # noqa: F401
    from app.search import models as _search  # noqa: F401
    from app.uploads import models as _uploads  # noqa: F401
    from app.webhooks import models as _webhooks  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app import (
        api,
        comments,
        feeds,
        insights,
        integrations,
        notifications,
        reputation,
        search,
        site,
        templating,
        uploads,
        webhooks,
    )
    from app.accounts import avatars as _avatars  # noqa: F401 - the templates' avatar()
    from app.accounts import bp as accounts_bp
    from app.accounts import verification_views as _verification_views  # noqa: F401
    from app.accounts import views as _accounts_views  # noqa: F401 - registers routes
    from app.answers import bp as answers_bp
    from app.answers import views as _answers_views  # noqa: F401
    from app.companies import bp as companies_bp
    from app.companies import claim_views as _claim_views  # noqa: F401
    from app.companies import staff_views as _staff_views  # noqa: F401
    from app.companies import views as _companies_views  # noqa: F401
    from app.moderation import account_views as _account_views  # noqa: F401
    from app.moderation import bp as moderation_bp
    from app.moderation import flag_views, hiding_views, post_views, revision_views
    from app.moderation import views as _moderation_views  # noqa: F401
    from app.products import bp as products_bp
    from app.products import views as _products_views  # noqa: F401
    from app.questions import bp as questions_bp
    from app.questions import views as _questions_views  # noqa: F401

    templating.init_app(app)  # before the routes: they use its URL converters
    app.register_blueprint(accounts_bp)
    app.register_blueprint(companies_bp, url_prefix="/companies")
    app.register_blueprint(products_bp, url_prefix="/companies")
    app.register_blueprint(questions_bp)
    app.register_blueprint(answers_bp)
    app.register_blueprint(moderation_bp, url_prefix="/admin")
    app.register_blueprint(hiding_views.bp)  # hide, restore, lock; /moderation/log
    app.register_blueprint(revision_views.bp)  # /questions/<id>/revisions, /answers/<id>/…
    app.register_blueprint(post_views.bp)  # delete and merge: /questions/<id>/merge, …
    app.register_blueprint(flag_views.bp)  # /questions/<id>/flag, /moderation/flags
    search.init_app(app)  # /search, similar questions, the index kept by the services
    feeds.init_app(app)  # Atom feeds, sitemap.xml, robots.txt
    insights.init_app(app)  # /companies/<slug>/insights: staff only, and its CSV tables
    api.init_app(app)  # the JSON API at /api/v1, and its OpenAPI document
    notifications.init_app(app)  # follows, notifications, their e-mails and commands
    webhooks.init_app(app)  # company webhooks: their pages, the sender and its commands
    integrations.init_app(app)  # SSO, the widget, the export
    reputation.init_app(app)  # leaderboards, badges, champions; flask reputation …
    uploads.init_app(app)  # /images/<id>: attached images and logos, as visibility allows
    site.init_app(app)  # the language links; About, Terms, Privacy, Accessibility, Contact
    comments.init_app(app)  # comments under posts; the Markdown preview


def _register_errors_and_cli(app: Flask) -> None:
    from app import cli, errors, mail

    errors.register_error_handlers(app)
    cli.init_app(app)
    mail.init_app(app)
