"""No write path skips the audit history (unionportal/audit.py).

django-simple-history records `save()` and `delete()`; writes that send no signal are either
audited by the helpers of unionportal/audit.py or refused:
- at run time, the audited models' querysets refuse `update()`, `bulk_create()` and
  `bulk_update()` of tracked fields outside those helpers (`AuditBypass`);
- here, by reading the code: raw SQL that writes an audited table, or a bulk ORM write on an
  audited model, must sit in a function that records it through `unionportal.audit`; generated
  volume data (benchmarks) is the only exception, and each such place is listed below.
"""

import ast
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import F

from unionportal import audit

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "tests", "migrations", "var", "node_modules", ".git", "static", "templates", "locale"}
AUDITED = ("Submission", "SubmissionValue", "Agreement", "Unit")
TABLES = ("reporting_submission", "reporting_submissionvalue", "agreements_agreement", "organizations_unit")
WRITE = r"(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"
MODEL = r"\b(?:" + "|".join(AUDITED) + r")\b"
RAW_WRITE = re.compile(
    WRITE + r"[\"{(]*\s*(?:quote\(|connection\.ops\.quote_name\()?\s*" + MODEL + r"\._meta\.db_table"
    + "|" + WRITE + r"\"?(?:" + "|".join(TABLES) + r")\b",
    re.IGNORECASE,
)
TABLE_VARIABLE = re.compile(r"(\w+)\s*=\s*(?:quote\()?" + MODEL + r"\._meta\.db_table")
ORM_WRITE = re.compile(MODEL + r"\.objects\b[^\n]*\.(?:update|bulk_create|bulk_update)\(")
AUDITED_CALL = re.compile(r"\baudit\.(?:update|bulk_create|record_rows|record|unaudited)\(")

# Bulk writes that touch no tracked field (the history does not keep them), with why.
UNTRACKED_ONLY = {
    "organizations/services.py:_write": "raises the parents' numchild, which follows from the tree",
}
# Generated volume data: the only writes with no history at all.
UNAUDITED = {
    "agreements/generation.py": "generate_catalogue_data: generated agreements for measurements",
    "reporting/generation.py": "generate_period_reports: generated reports for measurements",
}


def project_files():
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(directory) / name
                yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


def functions(source: str):
    """(name, source lines) of every function and method, nested ones too."""
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, "\n".join(lines[node.lineno - 1 : node.end_lineno])


def writes_audited_table(segment: str) -> bool:
    if RAW_WRITE.search(segment) or ORM_WRITE.search(segment):
        return True
    return any(re.search(WRITE + r"\{" + re.escape(name) + r"\}", segment, re.IGNORECASE)
               for name in TABLE_VARIABLE.findall(segment))


def test_the_scanner_sees_the_writes_it_guards_against():
    assert writes_audited_table('cursor.execute(f"UPDATE {quote(Unit._meta.db_table)} SET name = %s")')
    assert writes_audited_table('table = Submission._meta.db_table\ncursor.execute(f"DELETE FROM {table}")')
    assert writes_audited_table('cursor.execute("insert into reporting_submissionvalue (id) values (1)")')
    assert writes_audited_table("Agreement.objects.filter(pk=1).update(title='x')")
    assert not writes_audited_table('cursor.execute(f"SELECT * FROM {Unit._meta.db_table}")')
    assert not writes_audited_table("ConsolidatedTotal.objects.filter(unit=unit).update(total=0)")


def test_every_bulk_or_raw_write_of_an_audited_table_is_recorded():
    writers, unrecorded = set(), []
    for relative, source in project_files():
        for name, segment in functions(source):
            key = f"{relative}:{name}"
            if not writes_audited_table(segment):
                continue
            writers.add(key)
            if key not in UNTRACKED_ONLY and not AUDITED_CALL.search(segment):
                unrecorded.append(key)
    # The scan does find the bulk writes we know of (the unit import, the generators).
    assert {"organizations/services.py:_write", "reporting/generation.py:generate_period_reports"} <= writers
    assert not unrecorded, (
        "These functions write an audited table without recording the audit history; use "
        f"unionportal.audit (update, bulk_create, record_rows): {sorted(set(unrecorded))}"
    )


def test_unaudited_writes_are_only_the_generated_volume_data():
    found = {}
    for relative, source in project_files():
        for reason in re.findall(r"audit\.unaudited\(\s*\"([^\"]+)\"", source):
            found[str(relative)] = reason
    assert found == UNAUDITED


def test_no_code_moves_units_behind_the_history():
    # treebeard's move() renumbers a subtree with raw SQL: a move must get its own audited service.
    movers = [str(relative) for relative, source in project_files() if re.search(r"\.move\(", source)]
    assert not movers


@pytest.mark.parametrize("label", audit.AUDITED_MODELS)
def test_each_audited_model_keeps_history_and_guards_its_queryset(label):
    model = apps.get_model(label)
    assert model.history.model._meta.db_table.startswith(model._meta.app_label)
    assert isinstance(model._default_manager.all(), audit.AuditedQuerySet)


def test_bulk_writes_outside_the_helpers_are_refused_and_change_nothing(tree, actors):
    from agreements.models import Agreement
    from organizations.models import Unit
    from reporting.models import Submission, SubmissionValue
    from tests.factories import AgreementFactory, PartnerFactory

    agreement = AgreementFactory(partner=PartnerFactory(unit=tree.company_a))
    with pytest.raises(audit.AuditBypass):
        Unit.objects.filter(pk=tree.company_a.pk).update(name="Đổi tên không ghi lịch sử")
    with pytest.raises(audit.AuditBypass):
        Agreement.objects.filter(pk=agreement.pk).update(title="Đổi không ghi lịch sử")
    with pytest.raises(audit.AuditBypass):
        Submission.objects.filter(unit=tree.company_a).update(status="approved")
    with pytest.raises(audit.AuditBypass):
        SubmissionValue.objects.bulk_create([])
    tree.company_b.name = "Đổi hàng loạt"
    with pytest.raises(audit.AuditBypass):
        Unit.objects.bulk_update([tree.company_b], ["name"])

    assert Unit.objects.get(pk=tree.company_a.pk).name == "Công đoàn cơ sở Công ty A"
    assert Unit.objects.get(pk=tree.company_b.pk).name == "Công đoàn cơ sở Công ty B"
    assert Agreement.objects.get(pk=agreement.pk).title == agreement.title


def test_an_update_of_untracked_fields_only_is_allowed(tree):
    from organizations.models import Unit

    # treebeard keeps `numchild` itself with a queryset update when a child is added.
    assert Unit.objects.filter(pk=tree.an_giang.pk).update(numchild=F("numchild")) == 1


def test_the_audited_update_records_each_row_it_changed(tree, actors):
    from organizations.models import Unit

    count = Unit.history.count()
    changed = audit.update(Unit.objects.filter(code__in=["AG-BV", "HN-B"]), by=actors.system_admin,
                           reason="test", is_active=False)

    assert changed == 2 and Unit.history.count() == count + 2
    assert set(Unit.history.filter(history_change_reason="test").values_list("code", "is_active", "history_user")) == {
        ("AG-BV", False, actors.system_admin.pk), ("HN-B", False, actors.system_admin.pk),
    }
    assert audit.update(Unit.objects.filter(code="nothing"), by=None, is_active=False) == 0
