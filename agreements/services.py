"""Writes of the welfare programme that touch several models or have side effects.

One file for every area of the programme; each area keeps its functions in its own marked
section below (keyword-only, typed, `<entity>_<action>`, inside a transaction).
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.choices import ComplaintStatus
from agreements.models import Agreement, AgreementDocument, Offer, Outlet, OutletComplaint, OutletInspection
from organizations.choices import Role
from organizations.models import Unit, User
from outbox import services as outbox
from unionportal.documents import save_with_file

# --- catalogue ----------------------------------------------------------------------------------
# Members' reports about outlets; the officers' queue answers them with its own services.

complaint_log = logging.getLogger("agreements.complaints")


@transaction.atomic
def complaint_create(
    *,
    offer: Offer,
    outlet: Outlet | None,
    kind: str,
    message: str,
    happened_on: date | None,
    reporter: User,
) -> OutletComplaint:
    """A member reports an outlet; the officers of the unit that signed the agreement get an email.

    The email leaves only once the report is committed, so a rolled-back report sends nothing.
    """
    if outlet is not None and outlet.partner_id != offer.agreement.partner_id:
        raise ValidationError({"outlet": _("Điểm bán này không thuộc đối tác của ưu đãi.")})
    complaint = OutletComplaint(
        offer=offer, outlet=outlet, kind=kind, message=message.strip(), happened_on=happened_on, reporter=reporter
    )
    complaint.full_clean()
    complaint.save()
    transaction.on_commit(lambda: complaint_notify_officers(complaint.pk))
    return complaint


def complaint_notify_officers(complaint_id: int) -> None:
    """Plain-text Vietnamese email to every active officer (with an address) of the signing unit."""
    complaint = OutletComplaint.objects.select_related(
        "offer__agreement__unit", "offer__agreement__partner", "outlet__province", "outlet__ward", "reporter"
    ).get(pk=complaint_id)
    unit = complaint.offer.agreement.unit
    recipients = sorted(
        set(
            User.objects.filter(roles__unit=unit, roles__role=Role.OFFICER, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not recipients:
        complaint_log.warning("Complaint %s: unit %s has no officer with an email address.", complaint_id, unit.code)
        return
    # Officers read Vietnamese, whatever language the member browsed in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Cổng phúc lợi đoàn viên] Phản ánh mới về điểm bán của %(partner)s") % {
            "partner": complaint.offer.agreement.partner.name
        }
        body = render_to_string("agreements/catalogue/complaint_email.txt", {"complaint": complaint, "unit": unit})
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # noqa: BLE001 - the report is saved and waits in the queue; a mail outage must not lose it
        complaint_log.exception("Could not email the officers about complaint %s", complaint_id)


# --- end catalogue ------------------------------------------------------------------------------


# --- officer ---------------------------------------------------------------------------------
# Writes of the officers' side: terminating an agreement, adding a scanned document, recording
# an outlet inspection, answering a member's complaint.

officer_log = logging.getLogger("agreements.officer")


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, on: date, reason: str, by: User) -> Agreement:
    """End an agreement early. Its offers leave the catalogue from `on` (status follows the dates)."""
    if agreement.terminated_on is not None:
        raise ValidationError({"terminated_on": _("Thỏa thuận này đã được chấm dứt.")})
    if on < agreement.signed_on:
        raise ValidationError({"terminated_on": _("Ngày chấm dứt không được trước ngày ký.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do chấm dứt.")})
    agreement.terminated_on = on
    agreement.termination_reason = reason
    agreement.full_clean()
    agreement._history_user = by  # the audit history names who ended it, even outside a request
    agreement.save(update_fields=["terminated_on", "termination_reason", "updated_at"])
    officer_log.info("agreement %s terminated on %s by user %s", agreement.pk, on, by.pk)
    return agreement


@transaction.atomic
def agreement_document_add(
    *, agreement: Agreement, upload: UploadedFile, content_type: str, original_name: str, by: User
) -> AgreementDocument:
    """Store a scan whose content the caller has checked; the stored name is random."""
    document = AgreementDocument(
        agreement=agreement,
        original_name=original_name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    return save_with_file(document, upload)


@transaction.atomic
def outlet_inspection_record(
    *,
    outlet: Outlet,
    unit: Unit,
    inspected_on: date,
    sign_displayed: bool,
    discount_honoured: bool,
    notes: str,
    by: User,
) -> OutletInspection:
    """Record a visit (seed 003, section 5) and keep the outlet's sign status current.

    A visit recorded late, older than the last check on file, does not overwrite the newer status.
    """
    inspection = OutletInspection(
        outlet=outlet,
        unit=unit,
        inspected_on=inspected_on,
        sign_displayed=sign_displayed,
        discount_honoured=discount_honoured,
        notes=notes.strip(),
        inspected_by=by,
    )
    inspection.full_clean()
    inspection.save()
    outlet = Outlet.objects.select_for_update().get(pk=outlet.pk)
    if outlet.sign_checked_on is None or inspected_on >= outlet.sign_checked_on:
        outlet.displays_sign = sign_displayed
        outlet.sign_checked_on = inspected_on
        outlet.save(update_fields=["displays_sign", "sign_checked_on"])
    return inspection


@transaction.atomic
def complaint_respond(*, complaint: OutletComplaint, response: str, close: bool, by: User) -> OutletComplaint:
    """Record what the officers did; close the complaint or keep it in progress; tell the reporter."""
    response = response.strip()
    if not response:
        raise ValidationError({"response": _("Hãy ghi kết quả xử lý để trả lời đoàn viên.")})
    complaint.response = response
    complaint.handled_by = by
    complaint.status = ComplaintStatus.CLOSED if close else ComplaintStatus.IN_PROGRESS
    complaint.closed_at = timezone.now() if close else None
    complaint.full_clean()
    complaint.save(update_fields=["response", "handled_by", "status", "closed_at"])
    if complaint.reporter_id and complaint.reporter.email:
        # After the commit: a rolled-back answer must not have been mailed.
        transaction.on_commit(lambda: _complaint_answer_send(complaint.pk))
    return complaint


def _complaint_answer_send(complaint_id: int) -> None:
    complaint = OutletComplaint.objects.select_related(
        "reporter", "outlet", "offer__agreement__unit", "offer__agreement__partner"
    ).get(pk=complaint_id)
    # Members read Vietnamese whatever language the officer's browser is set to.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"complaint": complaint, "offer": complaint.offer, "agreement": complaint.offer.agreement}
        subject = render_to_string("agreements/officer/email/complaint_answer_subject.txt", context)
        body = render_to_string("agreements/officer/email/complaint_answer.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [complaint.reporter.email])
    except Exception:  # noqa: BLE001 - the answer is saved and shown in the portal; a mail outage must not undo it
        officer_log.exception("Could not email the answer to complaint %s", complaint_id)


# --- end officer ---------------------------------------------------------------------------------


# --- imports -------------------------------------------------------------------------------------
# Spreadsheet imports of partners, offers, outlets and usage (columns and rules per record in
# agreements/resources.py): a check (dry run) that lists every bad row, a write that is all or
# nothing, and background jobs for large files. The imports live here, not at the top of the
# module, so each area's section stays self-contained.

from dataclasses import dataclass, field  # noqa: E402

import tablib  # noqa: E402
from django.db import IntegrityError  # noqa: E402

from agreements.models import ImportJob, ImportJobStatus  # noqa: E402
from agreements.resources import RESOURCES, ProgrammeResource  # noqa: E402
from unionportal import spreadsheets  # noqa: E402

import_log = logging.getLogger("agreements.imports")

IMPORT_CHECK_BATCH = 1000
IMPORT_MAX_ROWS = 100_000


@dataclass(frozen=True)
class ImportProblem:
    """One problem: `row` as numbered in the spreadsheet (header = 1), None for the whole file."""

    row: int | None
    column: str
    message: str
    value: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "value": self.value}


@dataclass
class ImportOutcome:
    """What a check found or a write did."""

    resource: str
    dry_run: bool
    rows: int = 0
    new: int = 0
    updated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    applied: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def file_errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.row is None]

    @property
    def row_errors(self) -> list[ImportProblem]:
        return sorted((p for p in self.problems if p.row is not None), key=lambda p: p.row)

    @property
    def error_row_count(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


@dataclass
class PreparedImport:
    """An uploaded file ready for a resource: known columns under their canonical headers,
    blank rows left out, and the spreadsheet row number of every remaining row."""

    resource: str
    dataset: tablib.Dataset
    row_numbers: list[int]
    problems: list[ImportProblem]

    @property
    def rows(self) -> int:
        return len(self.row_numbers)


def import_file_prepare(
    *, resource: str | type[ProgrammeResource], content: bytes, filename: str, max_rows: int = IMPORT_MAX_ROWS
) -> PreparedImport:
    """Read an upload for `resource` ("doi-tac", "uu-dai", "diem-ban", "su-dung", or a resource
    class of another app, such as campaigns' articles, which builds its own importer).

    Raises `SpreadsheetError` for a file that cannot be read at all; wrong columns come back as
    file-level problems.
    """
    resource_class = RESOURCES[resource] if isinstance(resource, str) else resource
    raw = spreadsheets.read_spreadsheet(content, filename, max_rows=max_rows)
    columns = resource_class.sheet_columns()
    matched, messages = columns.match(raw.headers)
    problems = [ImportProblem(row=None, column="", message=m) for m in messages]
    keys = list(matched.index)
    positions = [matched.index[k] for k in keys]
    headers = [columns.headers[k] for k in keys]
    rows: list[tuple] = []
    row_numbers: list[int] = []
    if not problems:
        for offset, values in enumerate(raw):
            if spreadsheets.is_blank_row(values):
                continue
            rows.append(tuple(values[p] for p in positions))
            row_numbers.append(offset + 2)
        if not rows:
            problems.append(ImportProblem(row=None, column="", message=_("Tệp không có dòng dữ liệu nào.")))
    return PreparedImport(resource_class.slug, tablib.Dataset(*rows, headers=headers), row_numbers, problems)


def import_file_check(
    *, prepared: PreparedImport, user: User, unit: Unit, progress=None, importer: ProgrammeResource | None = None
) -> ImportOutcome:
    """The dry run: every row is read, validated and even written in a transaction that is
    rolled back, batch by batch, outside any longer transaction, so `progress(rows_done)` can
    be committed (and seen by the job page) after each batch. Nothing stays written.

    `importer`: a resource the caller built because it needs more than the user and the unit
    (campaigns' articles need their section); by default `RESOURCES[prepared.resource]`."""
    outcome = ImportOutcome(resource=prepared.resource, dry_run=True, rows=prepared.rows,
                            problems=list(prepared.problems))
    if prepared.problems:
        return outcome
    resource = importer if importer is not None else RESOURCES[prepared.resource](user=user, unit=unit)
    data = list(prepared.dataset)
    for start in range(0, len(data), IMPORT_CHECK_BATCH):
        batch = tablib.Dataset(*data[start : start + IMPORT_CHECK_BATCH], headers=prepared.dataset.headers)
        resource.row_numbers = prepared.row_numbers[start : start + IMPORT_CHECK_BATCH]
        result = resource.import_data(batch, dry_run=True, use_transactions=True)
        _import_collect(resource, result, batch, outcome)
        if progress is not None:
            progress(min(start + IMPORT_CHECK_BATCH, len(data)))
    return outcome


def import_file_apply(
    *, prepared: PreparedImport, user: User, unit: Unit, importer: ProgrammeResource | None = None
) -> ImportOutcome:
    """Write the whole file in one transaction: any bad row, or any write the database
    refuses, and nothing at all is written (`outcome.applied` is False). `importer`: as for
    `import_file_check`."""
    outcome = ImportOutcome(resource=prepared.resource, dry_run=False, rows=prepared.rows,
                            problems=list(prepared.problems))
    if prepared.problems:
        return outcome
    resource = importer if importer is not None else RESOURCES[prepared.resource](user=user, unit=unit)
    resource.row_numbers = prepared.row_numbers
    try:
        # import-export opens the transaction and rolls it back on any error.
        result = resource.import_data(
            prepared.dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
        )
    except IntegrityError:
        import_log.warning("import of %s by user %s refused by the database", prepared.resource, user.pk, exc_info=True)
        outcome.problems.append(ImportProblem(row=None, column="", message=_write_refused_message()))
        return outcome
    _import_collect(resource, result, prepared.dataset, outcome)
    outcome.applied = outcome.is_valid
    if not outcome.applied:
        outcome.new = outcome.updated = 0
    return outcome


def _write_refused_message() -> str:
    return _("Cơ sở dữ liệu từ chối ghi (có thể dữ liệu vừa được người khác thay đổi). Chưa có gì được ghi; "
             "hãy kiểm tra lại tệp và nhập lại.")


def _import_collect(resource: ProgrammeResource, result, dataset: tablib.Dataset, outcome: ImportOutcome) -> None:
    """Turn import-export's result into row problems with the spreadsheet's row numbers."""
    outcome.new += result.totals["new"]
    outcome.updated += result.totals["update"]
    headers = dataset.headers or []
    position = {h: i for i, h in enumerate(headers)}
    numbers = resource.row_numbers or []

    def cell(number: int, column: str) -> str:
        if column not in position:
            return ""
        return spreadsheets.cell_text(dataset[number - 1][position[column]])[:100]

    for invalid in result.invalid_rows:
        row = numbers[invalid.number - 1]
        for key, messages in invalid.error_dict.items():
            column = resource.column_for(key)
            for message in messages:
                outcome.problems.append(ImportProblem(row=row, column=column, message=message, value=cell(invalid.number, column)))
    for error_row in result.error_rows:
        for error in error_row.errors:
            import_log.error("import of %s: row %s failed", outcome.resource, error_row.number, exc_info=error.error)
        outcome.problems.append(ImportProblem(
            row=numbers[error_row.number - 1], column="",
            message=_("Không xử lý được dòng này (lỗi hệ thống); hãy báo quản trị hệ thống."),
        ))
    for error in result.base_errors:
        import_log.warning("import of %s: %r", outcome.resource, error.error)
        outcome.problems.append(ImportProblem(row=None, column="", message=_write_refused_message()))


def import_job_start(
    *, user: User, unit: Unit, resource: str, stash_name: str, original_name: str, dry_run: bool, total_rows: int
) -> ImportJob:
    """Queue a background check or write of a parked file; the worker starts once this commits.

    Raises `ValidationError` if the file was already confirmed for writing.
    """
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                user=user, unit=unit, resource=resource, file_path=stash_name, original_name=original_name[:255],
                dry_run=dry_run, total_rows=total_rows, language=translation.get_language() or settings.LANGUAGE_CODE,
            )
    except IntegrityError as exc:
        raise ValidationError(_("Tệp này đã được xác nhận nhập.")) from exc
    from agreements.tasks import run_import_job

    # Through the outbox: with Redis down the job waits and starts once Redis is back.
    outbox.enqueue(run_import_job, args=[job.pk])
    return job


def import_job_run(*, job_id: int) -> None:
    """The body of the background job: check (in batches, with progress), then, for a write,
    write everything in one transaction. Safe to run again after a lost worker."""
    job = ImportJob.objects.select_related("user", "unit").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, started_at=timezone.now(), processed_rows=0, writing=False
    )
    keep_file = False
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            prepared = import_file_prepare(
                resource=job.resource, content=spreadsheets.read_stash(job.file_path), filename=job.file_path
            )
            ImportJob.objects.filter(pk=job.pk).update(total_rows=prepared.rows)

            def progress(done: int) -> None:
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

            outcome = import_file_check(prepared=prepared, user=job.user, unit=job.unit, progress=progress)
            if not job.dry_run and outcome.is_valid:
                ImportJob.objects.filter(pk=job.pk).update(writing=True)
                outcome = import_file_apply(prepared=prepared, user=job.user, unit=job.unit)
            keep_file = job.dry_run and outcome.is_valid
            _import_job_finish(job, outcome)
        except (spreadsheets.SpreadsheetError, FileNotFoundError) as exc:
            message = getattr(exc, "message", "") or _("Không còn tệp đã tải lên; hãy tải tệp lên lại.")
            _import_job_fail(job, message)
        except Exception:
            import_log.exception("import job %s failed", job.pk)
            _import_job_fail(job, _("Lỗi hệ thống khi nhập tệp; chưa có gì được ghi. Hãy thử lại hoặc báo quản trị hệ thống."))
        finally:
            if not keep_file:
                spreadsheets.delete_stash(job.file_path)


def _import_job_finish(job: ImportJob, outcome: ImportOutcome) -> None:
    problems = outcome.file_errors + outcome.row_errors
    written_or_checked = outcome.applied or job.dry_run
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.SUCCEEDED if written_or_checked else ImportJobStatus.FAILED,
        writing=False,
        processed_rows=outcome.rows,
        total_rows=outcome.rows,
        new_count=outcome.new,
        updated_count=outcome.updated,
        error_count=len(problems),
        error_row_count=outcome.error_row_count,
        errors=[p.as_dict() for p in problems[: ImportJob.ERRORS_KEPT]],
        applied=outcome.applied,
        message="" if written_or_checked else _("Tệp có lỗi nên chưa có gì được ghi."),
        finished_at=timezone.now(),
    )


def _import_job_fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.FAILED, writing=False, message=message, finished_at=timezone.now()
    )


# --- end imports ---------------------------------------------------------------------------------
