"""drop legacy columns

Revision ID: 3f2a9c1d
"""
import sqlalchemy as sa
from alembic import op


def upgrade():
    # ruleid: python.alembic-drops-or-renames
    op.drop_column("users", "legacy_email")
    # ruleid: python.alembic-drops-or-renames
    op.alter_column("users", "name", new_column_name="full_name")
    # ruleid: python.alembic-drops-or-renames
    op.rename_table("orders", "purchases")
    # ruleid: python.alembic-drops-or-renames
    op.drop_table("coupons")
    with op.batch_alter_table("invoices") as batch_op:
        # ruleid: python.alembic-drops-or-renames
        batch_op.drop_column("notes")
        # ok: python.alembic-drops-or-renames
        batch_op.add_column(sa.Column("memo", sa.Text(), nullable=True))
    # ruleid: python.alembic-drops-or-renames
    op.alter_column("orders", "total_amount", existing_type=sa.Numeric(12, 2), type_=sa.Integer())
    # ruleid: python.alembic-drops-or-renames
    op.execute("ALTER TABLE users DROP COLUMN legacy_phone")
    # ruleid: python.alembic-drops-or-renames
    op.execute(sa.text('ALTER TABLE accounts RENAME COLUMN name TO display_name'))
    # ok: python.alembic-drops-or-renames
    op.alter_column("orders", "total_amount", existing_type=sa.Numeric(12, 2), type_=sa.Numeric(19, 4))
    # ok: python.alembic-drops-or-renames
    op.alter_column("orders", "quantity", existing_type=sa.SmallInteger(), type_=sa.Integer())
    # ok: python.alembic-drops-or-renames
    op.add_column("users", sa.Column("full_name", sa.String(200), nullable=True))
    # ok: python.alembic-drops-or-renames
    op.execute("ALTER TABLE users DROP CONSTRAINT users_email_key")
    # ok: python.alembic-drops-or-renames
    op.drop_index("ix_users_email", table_name="users")


def downgrade():
    # ok: python.alembic-drops-or-renames
    op.drop_column("users", "full_name")
    # ok: python.alembic-drops-or-renames
    op.drop_table("purchases")


def upgrade_rebuild():
    # ok: python.alembic-drops-or-renames
    op.rename_table("_alembic_tmp_users", "users")
    # ok: python.alembic-drops-or-renames
    op.drop_table("users_old")
    # ok: python.alembic-drops-or-renames
    op.drop_column("users", "tmp_id")
    # ruleid: python.alembic-drops-or-renames
    op.drop_column("users", "attempts")
