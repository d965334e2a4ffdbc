"""The schema comes from the migrations, and the models agree with it."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.search import include_name
from tests.factories import make_user


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, db.metadata) == []


def test_each_test_runs_in_its_own_transaction_part_one(app):
    with app.app_context():
        make_user("isolation_probe")
        db.session.commit()  # released as a savepoint; the test's transaction still holds it
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(db.metadata.tables["users"])
                .where(db.text("username = 'isolation_probe'"))
            )
            == 1
        )


def test_each_test_runs_in_its_own_transaction_part_two(app):
    with app.app_context():
        users = db.metadata.tables["users"]
        count = db.session.scalar(
            db.select(db.func.count())
            .select_from(users)
            .where(users.c.username == "isolation_probe")
        )
        assert count == 0
