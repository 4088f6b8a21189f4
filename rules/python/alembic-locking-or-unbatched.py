import sqlalchemy as sa
from alembic import op


def upgrade():
    # ruleid: python.alembic-locking-or-unbatched
    op.create_index("ix_orders_customer_id", "orders", ["customer_id"])
    # ruleid: python.alembic-locking-or-unbatched
    op.add_column("orders", sa.Column("currency", sa.String(3), nullable=False))
    # ruleid: python.alembic-locking-or-unbatched
    op.execute("UPDATE users SET email_normalized = lower(email) WHERE email_normalized IS NULL")
    # ok: python.alembic-locking-or-unbatched
    op.add_column("orders", sa.Column("currency", sa.String(3), nullable=False, server_default="USD"))
    # ok: python.alembic-locking-or-unbatched
    op.add_column("orders", sa.Column("note", sa.Text(), nullable=True))
    with op.get_context().autocommit_block():
        # ok: python.alembic-locking-or-unbatched
        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)
    # ok: python.alembic-locking-or-unbatched
    op.execute("UPDATE users SET email_normalized = lower(email) WHERE id BETWEEN 1 AND 10000")


def upgrade_new_table():
    op.create_table(
        "invoices",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
    )
    # ok: python.alembic-locking-or-unbatched
    op.create_index("ix_invoices_customer_id", "invoices", ["customer_id"])


def downgrade():
    # ok: python.alembic-locking-or-unbatched
    op.create_index("ix_orders_legacy", "orders", ["legacy_id"])
