from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0041_order_notes")]

    operations = [
        # ruleid: python.django-destructive-migration
        migrations.RemoveField(model_name="order", name="legacy_total"),
        # ruleid: python.django-destructive-migration
        migrations.DeleteModel(name="Coupon"),
        # ruleid: python.django-destructive-migration
        migrations.RunSQL("DROP TABLE shop_coupon_usage;", reverse_sql=migrations.RunSQL.noop),
        # ruleid: python.django-destructive-migration
        migrations.RunSQL(sql="ALTER TABLE shop_order DROP COLUMN notes"),
        # ok: python.django-destructive-migration
        migrations.AddField(model_name="order", name="currency", field=models.CharField(max_length=3, default="EUR")),
        # ok: python.django-destructive-migration
        migrations.RunSQL("CREATE INDEX CONCURRENTLY shop_order_created ON shop_order (created_at);"),
        # ok: python.django-destructive-migration
        migrations.RunSQL("ALTER TABLE shop_order DROP CONSTRAINT shop_order_fk;"),
        # ok: python.django-destructive-migration
        migrations.AlterField(model_name="order", name="total", field=models.DecimalField(max_digits=12, decimal_places=2)),
    ]
