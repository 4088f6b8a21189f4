from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0007_order_total")]

    operations = [
        # ruleid: python.django-rename-migration
        migrations.RenameField(model_name="order", old_name="total", new_name="total_amount"),
        # ruleid: python.django-rename-migration
        migrations.RenameModel(old_name="Coupon", new_name="Voucher"),
        # ruleid: python.django-rename-migration
        migrations.AlterModelTable(name="invoice", table="billing_invoice"),
        # ruleid: python.django-rename-migration
        migrations.AlterField(model_name="order", name="price", field=models.IntegerField()),
        # ok: python.django-rename-migration
        migrations.AlterField(model_name="order", name="price", field=models.DecimalField(max_digits=19, decimal_places=4)),
        # ok: python.django-rename-migration
        migrations.AlterField(model_name="order", name="quantity", field=models.PositiveIntegerField()),
        # ok: python.django-rename-migration
        migrations.AddField(model_name="order", name="total_amount", field=models.DecimalField(max_digits=12, decimal_places=2, null=True)),
        # ok: python.django-rename-migration
        migrations.AlterField(model_name="order", name="total", field=models.DecimalField(max_digits=12, decimal_places=2, db_column="total")),
    ]
