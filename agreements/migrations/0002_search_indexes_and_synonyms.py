"""Trigram indexes for the catalogue search (PostgreSQL only) and the starting synonyms.

On PostgreSQL, `search_key LIKE '%…%'` is served by a GIN index with gin_trgm_ops; SQLite
(the embedded default) has no such index and scans, which is fine at its sizes.
"""

from django.db import migrations

TRIGRAM_INDEXES = [
    ("agreements_offer", "agreements_offer_search_trgm"),
    ("agreements_outlet", "agreements_outlet_search_trgm"),
    ("agreements_partner", "agreements_partner_search_trgm"),
    ("agreements_institution", "agreements_institution_search_trgm"),
]

SYNONYMS = [
    ("ks", "khách sạn"),
    ("st", "siêu thị"),
    ("dt", "điện thoại"),
    ("dtdd", "điện thoại di động"),
    ("nh", "ngân hàng"),
    ("bv", "bệnh viện"),
    ("dl", "du lịch"),
    ("cd", "công đoàn"),
    ("sieuthi", "siêu thị"),
    ("khachsan", "khách sạn"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in TRIGRAM_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_key gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def load_synonyms(apps, schema_editor):
    from unionportal.text import fold

    SearchSynonym = apps.get_model("agreements", "SearchSynonym")
    for term, expansion in SYNONYMS:
        SearchSynonym.objects.update_or_create(term=fold(term), defaults={"expansion": fold(expansion)})


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(load_synonyms, migrations.RunPython.noop),
    ]
