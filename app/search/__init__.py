"""Full-text search and similar questions: one interface, two engines (SQLite FTS5,
PostgreSQL tsvector/GIN), chosen by the database in use."""

from __future__ import annotations

from flask import Blueprint, Flask

from app.search.backends import TABLE

bp = Blueprint("search", __name__)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's filter: the search index is managed by its migration, not by the models.

    Its shape differs by database (an FTS5 virtual table with shadow tables on SQLite,
    a table with a tsvector on PostgreSQL), so autogenerate must not compare or drop it.
    """
    if type_ == "table" and name is not None:
        return not (name == TABLE or name.startswith(f"{TABLE}_"))
    return True


def init_app(app: Flask) -> None:
    """Routes of the ``search`` blueprint, the ``flask search`` commands, the Alembic filter,
    the after-request step that finds new questions' related questions."""
    from app import mail
    from app.search import cli, deferred, views  # noqa: F401 - registers routes

    if bp.name in app.blueprints:  # already set up (create_app, or the interim hook)
        return
    app.register_blueprint(bp)
    # Related questions of the questions a request asked, after its commit (MAIL_SEND=inline).
    mail.add_inline_step(app, deferred.inline_step)
    app.cli.add_command(cli.search_cli)
    migrate = app.extensions.get("migrate")
    if migrate is not None:
        migrate.configure_args.setdefault("include_name", include_name)
