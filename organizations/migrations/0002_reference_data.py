"""Kinds of unit and the 34 provinces: reference data every installation starts with."""

from django.db import migrations

UNIT_KINDS = [
    ("tld", "Tổng Liên đoàn Lao động Việt Nam", 10),
    ("ldld_tinh", "Liên đoàn Lao động tỉnh, thành phố", 20),
    ("cd_nganh_tw", "Công đoàn ngành Trung ương", 30),
    ("cd_tct", "Công đoàn Tổng công ty trực thuộc Tổng Liên đoàn", 40),
    ("cd_cap_tren_co_so", "Công đoàn cấp trên trực tiếp cơ sở", 50),
    ("cdcs", "Công đoàn cơ sở", 60),
]


def load(apps, schema_editor):
    import vietnam_provinces

    from unionportal.text import fold

    UnitKind = apps.get_model("organizations", "UnitKind")
    Province = apps.get_model("organizations", "Province")
    for code, name, order in UNIT_KINDS:
        UnitKind.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for province in vietnam_provinces.Province.iter_all():
        Province.objects.update_or_create(
            code=int(province.code), defaults={"name": province.name, "search_key": fold(province.name)}
        )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
