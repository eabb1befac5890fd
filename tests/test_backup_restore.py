"""The documented backup and restore (scripts/backup.sh, scripts/restore.sh; README "Sao lưu và
phục hồi"): a dump of the test database and its uploaded files, restored into a fresh database
and an empty folder, holds the same submissions, values, audit history and files.

PostgreSQL only (pg_dump/pg_restore); the restored database is a scratch one with a unique name
on the same server, dropped at the end.
"""

import subprocess
import uuid
from datetime import date
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection

from agreements.models import AgreementDocument
from reporting.models import Submission, SubmissionValue
from reporting.services import form_assign, submission_open, submission_save, submission_submit
from tests.factories import AgreementFactory, PartnerFactory
from tests.reporting.conftest import forms, november  # noqa: F401 - the reporting fixtures, here too

pytestmark = [
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                       reason="pg_dump/pg_restore back up PostgreSQL; run with DATABASE_URL=postgres://…"),
    pytest.mark.django_db(transaction=True),  # pg_dump runs in another process: the data must be committed
]


def url_of(database: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{database}"


def connect(database: str):
    db = connection.settings_dict
    return psycopg2.connect(dbname=database, user=db["USER"], password=db["PASSWORD"] or None,
                            host=db["HOST"] or "localhost", port=db["PORT"] or 5432)


@pytest.fixture
def scratch_database():
    """An empty database of a unique name on the test server, dropped afterwards."""
    name = f"restore_check_{uuid.uuid4().hex[:12]}"
    admin = connect(connection.settings_dict["NAME"])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def run(script: str, *args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(Path(settings.BASE_DIR) / "scripts" / script), *args],
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "DATABASE_URL": url_of(database), "MEDIA_ROOT": str(media)},
        capture_output=True, text=True, timeout=300,
    )


def test_a_backup_restores_into_a_fresh_database_with_the_same_submissions_and_files(
    tree, actors, forms, november, tmp_path, scratch_database, settings, monkeypatch  # noqa: F811
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The private storage is bound to MEDIA_ROOT/private when the model loads: follow the override.
    field = AgreementDocument._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=settings.MEDIA_ROOT / "private", base_url=None))
    form_assign(form=forms["PL02"], units=[tree.company_a, tree.hospital], valid_from=date(2026, 1, 1))
    for unit, loans in ((tree.company_a, "10"), (tree.hospital, "7")):
        draft = submission_open(unit=unit, period=november, by=actors.officer_a)
        draft = submission_save(submission=draft, cells={("loans", "value"): loans, ("achievements", "value"): "Tốt"},
                                expected_version=draft.version, by=actors.officer_a).submission
        submission_submit(submission=draft, expected_version=draft.version, by=actors.officer_a)
    agreement = AgreementFactory(partner=PartnerFactory(unit=tree.company_a))
    scan = AgreementDocument(agreement=agreement, original_name="thoa-thuan.pdf", content_type="application/pdf",
                             size=9, uploaded_by=actors.officer_a)
    scan.file.save("scan.pdf", ContentFile(b"%PDF-1.4\n"))
    expected = sorted(Submission.objects.values_list("unit_id", "period_id", "status", "version"))
    expected_values = sorted(SubmissionValue.objects.values_list("submission__unit_id", "row__key", "number", "text"))
    history_rows = Submission.history.count()

    backup = tmp_path / "backup"
    made = run("backup.sh", str(backup), database=connection.settings_dict["NAME"], media=settings.MEDIA_ROOT)
    assert made.returncode == 0, made.stderr
    assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    restored_media = tmp_path / "restored-media"
    restored = run("restore.sh", str(backup), database=scratch_database, media=restored_media)
    assert restored.returncode == 0, restored.stderr

    with connect(scratch_database) as db, db.cursor() as cursor:
        cursor.execute("SELECT unit_id, period_id, status, version FROM reporting_submission")
        assert sorted(cursor.fetchall()) == expected
        cursor.execute(
            "SELECT s.unit_id, r.key, v.number, v.text FROM reporting_submissionvalue v "
            "JOIN reporting_submission s ON s.id = v.submission_id JOIN reporting_formrow r ON r.id = v.row_id"
        )
        assert sorted(cursor.fetchall()) == expected_values
        cursor.execute("SELECT count(*) FROM reporting_historicalsubmission")
        assert cursor.fetchone()[0] == history_rows
        cursor.execute("SELECT file FROM agreements_agreementdocument")
        (stored_name,) = cursor.fetchone()
    db.close()
    assert (restored_media / "private" / stored_name).read_bytes() == b"%PDF-1.4\n"

    again = run("restore.sh", str(backup), database=scratch_database, media=tmp_path / "other-media")
    assert again.returncode == 1 and "already has" in again.stderr  # never restores over data
