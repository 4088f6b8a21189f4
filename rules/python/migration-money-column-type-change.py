import sqlalchemy as sa
from alembic import op
from django.db import migrations, models


def upgrade():
    # ruleid: python.migration-money-column-type-change
    op.alter_column("payments", "amount", existing_type=sa.Numeric(12, 2), type_=sa.Float())
    # ruleid: python.migration-money-column-type-change
    op.alter_column("orders", "total_price", type_=sa.Integer())
    # ok: python.migration-money-column-type-change
    op.alter_column("orders", "total_price", type_=sa.Numeric(19, 4))
    # ok: python.migration-money-column-type-change
    op.alter_column("orders", "line_count", type_=sa.Integer())


class Migration(migrations.Migration):
    operations = [
        # ruleid: python.migration-money-column-type-change
        migrations.AlterField(model_name="invoice", name="balance", field=models.FloatField()),
        # ok: python.migration-money-column-type-change
        migrations.AlterField(model_name="invoice", name="balance", field=models.DecimalField(max_digits=19, decimal_places=4)),
    ]
