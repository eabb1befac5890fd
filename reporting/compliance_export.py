"""The compliance list (Phụ lục 04) as .xlsx: in the request up to `sync_limit()` rows, beyond that
as a background job (`ExportJob`) with a progress bar and a download link.

The sheet is streamed (openpyxl write-only, by `reporting.excel.compliance_workbook`, every cell
through `safe_cell`), reading the units in chunks, so 130,000 rows take seconds and little memory.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organizations.models import Unit
from outbox import services as outbox
from reporting import excel
from reporting.models import ExportJob, ExportJobStatus, Period
from reporting.selectors import compliance

log = logging.getLogger(__name__)

DEFAULT_SYNC_LIMIT = 20_000
EXPORT_DIR = "exports"
PROGRESS_EVERY = 5_000


def sync_limit() -> int:
    """Exports of more rows than this run as a background job (settable for tests and small servers)."""
    return getattr(settings, "COMPLIANCE_EXPORT_SYNC_LIMIT", DEFAULT_SYNC_LIMIT)


def compliance_xlsx(units, *, unit: Unit, period: Period, subtitle: str = "",
                    progress: Callable[[int], None] | None = None) -> bytes:
    """The .xlsx of a `compliance(...)` queryset (Phụ lục 04, one row per expected unit), written by
    the one Excel writer (`reporting.excel.compliance_workbook`), the units read in chunks."""
    title = _("Tình hình nộp báo cáo %(form)s — %(period)s — %(unit)s") % {
        "form": period.form.code, "period": period.label, "unit": unit.name,
    }
    stamp = _("Xuất lúc %(when)s") % {"when": timezone.localtime().strftime("%d/%m/%Y %H:%M")}
    workbook = excel.compliance_workbook(
        units.iterator(chunk_size=2000), title=title, subtitle=" · ".join(filter(None, [subtitle, stamp])),
        progress=progress, progress_every=PROGRESS_EVERY,
    )
    return excel.workbook_bytes(workbook)


def compliance_file_name(*, unit: Unit, period: Period) -> str:
    return f"phu-luc-04-{period.form.code}-{period.slug}-{unit.code}.xlsx".replace("/", "-")


def compliance_units_for(job: ExportJob):
    filters = job.filters or {}
    return compliance(
        unit=job.unit, period=job.period, kind=filters.get("kind"), province=filters.get("province"),
        status=filters.get("status"),
    )


def export_job_start(*, user, unit: Unit, period: Period, filters: dict, total_rows: int) -> ExportJob:
    """Queue the export of a compliance list; the worker starts once this commits."""
    job = ExportJob.objects.create(
        user=user, unit=unit, period=period, filters=filters, total_rows=total_rows,
        file_name=compliance_file_name(unit=unit, period=period),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from reporting.tasks import run_export_job

    # Through the outbox: with Redis down the job waits and starts once Redis is back.
    outbox.enqueue(run_export_job, args=[job.pk])
    return job


def export_job_run(*, job_id: int) -> None:
    """The body of the background export: write the sheet with progress, park it, mark the job done.

    Safe to run again after a lost worker (it starts over and replaces the file).
    """
    job = ExportJob.objects.select_related("unit", "period__form").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJobStatus.RUNNING, started_at=timezone.now(), processed_rows=0
    )

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            content = compliance_xlsx(
                compliance_units_for(job), unit=job.unit, period=job.period,
                subtitle=(job.filters or {}).get("label", ""), progress=progress,
            )
            if job.file_path:
                default_storage.delete(job.file_path)
            name = default_storage.save(f"{EXPORT_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(content))
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJobStatus.SUCCEEDED, file_path=name, finished_at=timezone.now()
            )
        except Exception:
            log.exception("export job %s failed", job.pk)
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJobStatus.FAILED, finished_at=timezone.now(),
                message=_("Lỗi hệ thống khi xuất tệp. Hãy thử lại hoặc báo quản trị hệ thống."),
            )
