"""users, companies, products, questions, answers: the foundation schema

Revision ID: 0001_foundation
Revises: 
Create Date: 2026-11-26 03:15:17.842251

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001_foundation'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('session_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=110), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('product_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('question_count', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_companies_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies')),
    sa.UniqueConstraint('slug', name=op.f('uq_companies_slug')),
    sa.UniqueConstraint('domain', name=op.f('uq_companies_domain'))
    )
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=110), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('question_count', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_products_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_products_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('company_id', 'slug', name=op.f('uq_products_company_id_slug'))
    )
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('question', 'problem', 'idea', 'praise', name='question_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('feeling', sa.Enum('happy', 'excited', 'confused', 'frustrated', 'sad', name='question_feeling', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('status', sa.Enum('open', 'answered', 'acknowledged', 'in_progress', 'solved', 'under_consideration', 'planned', 'implemented', 'declined', name='question_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('body_renderer_version', sa.Integer(), nullable=False),
    sa.Column('best_answer_id', sa.Integer(), nullable=True),
    sa.Column('has_official_answer', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('locked', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('answer_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('me_too_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('answer_count >= 0', name=op.f('ck_questions_answer_count_not_negative')),
    sa.CheckConstraint('me_too_count >= 0', name=op.f('ck_questions_me_too_count_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_questions_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_questions_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_questions_product_id_products'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_activity', ['last_activity_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_author', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_questions_company_activity', ['company_id', 'last_activity_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_company_created', ['company_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_me_too', ['me_too_count', 'id'], unique=False)
        batch_op.create_index('ix_questions_product_activity', ['product_id', 'last_activity_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_product_created', ['product_id', 'created_at', 'id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('body_renderer_version', sa.Integer(), nullable=False),
    sa.Column('is_official', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('is_endorsed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('helpful_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('helpful_count >= 0', name=op.f('ck_answers_helpful_count_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_answers_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index('ix_answers_author', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_answers_question', ['question_id', 'created_at'], unique=False)

    # questions and answers point at each other: the best-answer key comes once both exist.
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_questions_best_answer_id_answers'), 'answers', ['best_answer_id'], ['id'],
            ondelete='SET NULL',
        )

    op.create_table('me_toos',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_me_toos_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_me_toos_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'user_id', name=op.f('pk_me_toos'))
    )
    with op.batch_alter_table('me_toos', schema=None) as batch_op:
        batch_op.create_index('ix_me_toos_user', ['user_id'], unique=False)

    op.create_table('helpful_votes',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_helpful_votes_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_helpful_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', 'user_id', name=op.f('pk_helpful_votes'))
    )
    with op.batch_alter_table('helpful_votes', schema=None) as batch_op:
        batch_op.create_index('ix_helpful_votes_user', ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questions_best_answer_id_answers'), type_='foreignkey')

    with op.batch_alter_table('helpful_votes', schema=None) as batch_op:
        batch_op.drop_index('ix_helpful_votes_user')

    op.drop_table('helpful_votes')
    with op.batch_alter_table('me_toos', schema=None) as batch_op:
        batch_op.drop_index('ix_me_toos_user')

    op.drop_table('me_toos')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_question')
        batch_op.drop_index('ix_answers_author')

    op.drop_table('answers')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_product_created')
        batch_op.drop_index('ix_questions_product_activity')
        batch_op.drop_index('ix_questions_me_too')
        batch_op.drop_index('ix_questions_created')
        batch_op.drop_index('ix_questions_company_created')
        batch_op.drop_index('ix_questions_company_activity')
        batch_op.drop_index('ix_questions_author')
        batch_op.drop_index('ix_questions_activity')

    op.drop_table('questions')
    op.drop_table('products')
    op.drop_table('companies')
    op.drop_table('users')
