"""The wards of the 34 provinces, from `vietnam-provinces` (outlet and institution addresses)."""

from django.db import migrations


def load(apps, schema_editor):
    import vietnam_provinces

    Ward = apps.get_model("organizations", "Ward")
    existing = set(Ward.objects.values_list("code", flat=True))
    Ward.objects.bulk_create(
        [
            Ward(code=int(w.code), name=w.name, province_id=int(w.province_code))
            for w in vietnam_provinces.Ward.iter_all()
            if int(w.code) not in existing
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0003_ward")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
