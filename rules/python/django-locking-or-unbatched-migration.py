from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models import F


def backfill_totals(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    # ruleid: python.django-locking-or-unbatched-migration
    Order.objects.all().update(total_amount=F("total"))
    # ruleid: python.django-locking-or-unbatched-migration
    Order.objects.filter(total_amount__isnull=True).update(total_amount=F("total"))


def backfill_in_batches(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    ids = list(Order.objects.filter(total_amount__isnull=True).values_list("pk", flat=True)[:1000])
    # ok: python.django-locking-or-unbatched-migration
    Order.objects.filter(pk__in=ids).update(total_amount=F("total"))


class Migration(migrations.Migration):
    dependencies = [("shop", "0008_order_total_amount")]

    operations = [
        migrations.RunPython(backfill_totals, migrations.RunPython.noop),
        # ruleid: python.django-locking-or-unbatched-migration
        migrations.AddIndex(model_name="order", index=models.Index(fields=["customer"], name="order_customer_idx")),
    ]


class ConcurrentMigration(migrations.Migration):
    atomic = False
    operations = [
        # ok: python.django-locking-or-unbatched-migration
        AddIndexConcurrently("order", models.Index(fields=["created"], name="order_created_idx")),
    ]


class NewModelMigration(migrations.Migration):
    operations = [
        migrations.CreateModel(name="Invoice", fields=[("id", models.BigAutoField(primary_key=True))]),
        # ok: python.django-locking-or-unbatched-migration
        migrations.AddIndex(model_name="invoice", index=models.Index(fields=["id"], name="invoice_id_idx")),
    ]
