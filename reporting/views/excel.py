"""Reports as .xlsx and as printed pages, and the Excel template workflow of the officers.

- Downloads and print views: a submission (by its pk) or a unit's consolidation for a period,
  in the layout of its Phụ lục (`reporting.excel`). Outside the viewer's scope: 404.
- Import: the officer downloads the template of their unit's report (with the current figures,
  or blank), fills it in Excel and uploads it; the values are read and checked and shown next
  to the current ones with a message at each cell that cannot be read; only a confirmation
  saves them (`services.submission_save(source=IMPORT)`). Between the check and the
  confirmation the file waits in shared storage and the page carries a signed token naming it,
  the submission and the version it was checked against (`unionportal.spreadsheets`), so a
  report changed in between is never overwritten silently. Only the officers of the unit (and
  system administrators) import, and only into a draft or returned report.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from organizations.models import Unit
from reporting import excel, services
from reporting.choices import SubmissionStatus, ValueSource
from reporting.definitions import people_cell
from reporting.models import Period, Submission
from reporting.selectors import consolidation as consolidation_of
from reporting.validation import Issue, check, clean_cell
from reporting.views.entry import editable_submission, staff_required, visible_submission
from unionportal import spreadsheets
from unionportal.numbers import format_number

_TOKEN_SALT = "reporting.template-import"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def submission_filename(submission: Submission, suffix: str = "") -> str:
    """PL02-AG-CT-A-2026-11.xlsx: ASCII only, so every browser keeps the name."""
    code = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in submission.unit.code)
    return f"{submission.period.form.code}-{code}-{submission.period.slug}{suffix}.xlsx"


def _edit_url(submission: Submission) -> str:
    return reverse("reporting:submission-edit", kwargs={
        "unit_pk": submission.unit_id, "form_code": submission.period.form.code, "period_slug": submission.period.slug,
    })


# --- downloads and print views ---------------------------------------------------------------------


@require_GET
@staff_required
def submission_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    submission = visible_submission(request.user, pk)
    workbook = excel.submission_workbook(submission)
    return _xlsx_response(excel.workbook_bytes(workbook), submission_filename(submission))


@require_GET
@staff_required
def submission_print(request: HttpRequest, pk: int) -> HttpResponse:
    submission = visible_submission(request.user, pk)
    values, _comments = services.values_of(submission)
    layout = excel.report_layout(
        form_version=submission.form_version, unit_name=submission.unit.name, period_label=submission.period.label,
        values=values, title_extra=excel.submission_title_extra(submission),
    )
    return render(request, "reporting/excel/print.html", {
        "layout": layout, "back_url": _edit_url(submission), "printed_at": timezone.localtime(),
        "xlsx_url": reverse("reporting:submission-xlsx", kwargs={"pk": submission.pk}),
    })


def _consolidation_or_404(user, unit_pk: int, period_pk: int):
    unit = get_object_or_404(Unit.objects.visible_to(user), pk=unit_pk)
    period = get_object_or_404(Period.objects.select_related("form"), pk=period_pk)
    return consolidation_of(unit=unit, period=period)


@require_GET
@staff_required
def consolidation_xlsx(request: HttpRequest, unit_pk: int, period_pk: int) -> HttpResponse:
    result = _consolidation_or_404(request.user, unit_pk, period_pk)
    content = excel.workbook_bytes(excel.consolidation_workbook(result))
    code = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in result.unit.code)
    return _xlsx_response(content, f"{result.period.form.code}-{code}-{result.period.slug}-tong-hop.xlsx")


@require_GET
@staff_required
def consolidation_print(request: HttpRequest, unit_pk: int, period_pk: int) -> HttpResponse:
    result = _consolidation_or_404(request.user, unit_pk, period_pk)
    layout = excel.report_layout(
        form_version=result.form_version, unit_name=result.unit.name, period_label=result.period.label,
        values=excel.consolidation_values(result), title_extra=excel.consolidation_title_extra(result),
    )
    back = reverse("reporting:consolidation") + f"?unit={result.unit.pk}&period={result.period.pk}"
    return render(request, "reporting/excel/print.html", {
        "layout": layout, "back_url": back, "printed_at": timezone.localtime(),
        "xlsx_url": reverse("reporting:consolidation-xlsx", kwargs={"unit_pk": result.unit.pk, "period_pk": result.period.pk}),
    })


# --- the template workflow -----------------------------------------------------------------------


@require_GET
@staff_required
def submission_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The import template of the officer's report; `?trong=1` without the current figures."""
    submission = editable_submission(request.user, pk)
    blank = request.GET.get("trong") == "1"
    workbook = excel.submission_workbook(submission, as_template=True, blank=blank)
    return _xlsx_response(excel.workbook_bytes(workbook), submission_filename(submission, "-mau-nhap"))


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp mẫu đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if spreadsheets.file_extension(upload.name) != "xlsx":
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx tải từ nút “Tải mẫu Excel”."))
        if upload.size > excel.MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn quá %(limit)d MB: mẫu nhập báo cáo chỉ vài chục KB.")
                % {"limit": excel.MAX_TEMPLATE_BYTES // (1024 * 1024)}
            )
        return upload


@dataclass
class PreviewLine:
    number: str
    label: str
    column_label: str
    current: str
    imported: str
    error: str = ""
    is_text: bool = False

    @property
    def changed(self) -> bool:
        return self.current != self.imported


def _cell_label(row, column: str, labels: dict[str, str], multi_column: bool) -> str:
    """Which cell of the row: the column's header, or a people table's line and field."""
    found = people_cell(row, column)
    if found is not None:
        line, spec = found
        return f"{line.get('label') or line['key']} · {spec.get('label') or spec['key']}"
    return labels.get(column, "") if multi_column else ""


def _preview(submission: Submission, reading: excel.TemplateReading) -> tuple[list[PreviewLine], list[Issue]]:
    """Each input cell: what the report holds now, what the file holds, and the cell's error;
    then the form's checks on the figures as they would be after the import."""
    current, comments = services.values_of(submission)
    rows = {row.key: row for row in submission.form_version.rows.all()}
    labels = {c["key"]: c.get("label") or c["key"] for c in submission.form_version.columns}
    multi_column = len(labels) > 1
    after = dict(current)
    lines = []
    for (key, column), raw in reading.values.items():
        row = rows[key]
        is_text = row.column_spec(column)["kind"] in excel.TEXT_KINDS
        error = reading.errors.get((key, column), "")
        if error:
            imported = "" if raw is None else str(raw)
        else:
            cleaned = clean_cell(row, column, raw)
            after[(key, column)] = cleaned
            imported = cleaned if isinstance(cleaned, str) else format_number(cleaned)
        now = current.get((key, column))
        lines.append(PreviewLine(
            number=row.number, label=row.label, column_label=_cell_label(row, column, labels, multi_column),
            current=(now or "") if is_text else format_number(now), imported=imported or "", error=error,
            is_text=is_text,
        ))
    order = {key: row.order for key, row in rows.items()}
    keys = list(reading.values)
    lines = [line for _key, line in sorted(zip(keys, lines, strict=True), key=lambda pair: order[pair[0][0]])]
    issues = [] if reading.errors else check(submission.form_version, after, comments=comments)
    return lines, issues


def _import_context(submission: Submission, **extra) -> dict:
    return {
        "submission": submission,
        "unit": submission.unit,
        "period": submission.period,
        "form": submission.period.form,
        "is_editable": submission.is_editable,
        "status_label": SubmissionStatus(submission.status).label,
        "edit_url": _edit_url(submission),
        "template_url": reverse("reporting:submission-template", kwargs={"pk": submission.pk}),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_required
def submission_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a filled template → its values beside the current ones → confirm → saved."""
    submission = editable_submission(request.user, pk)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, submission)
    form = TemplateUploadForm()
    context: dict = {}
    if request.method == "POST" and submission.is_editable:
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(excel.MAX_TEMPLATE_BYTES + 1)
            try:
                reading = excel.read_filled_template(content, submission=submission)
            except spreadsheets.SpreadsheetError as exc:
                form.add_error("file", exc.message)
            else:
                lines, issues = _preview(submission, reading)
                context.update(
                    lines=lines, issues=issues, file_name=upload.name,
                    error_count=len(reading.errors), changed_count=sum(1 for line in lines if line.changed),
                )
                if not reading.errors and context["changed_count"]:
                    name = spreadsheets.stash_upload(content, "mau.xlsx")
                    context["token"] = spreadsheets.sign_stash(
                        name, upload.name, user_id=request.user.pk, salt=_TOKEN_SALT,
                        extra={"submission": submission.pk, "version": submission.version},
                    )
    return render(request, "reporting/excel/import.html", _import_context(submission, form=form, **context))


def _confirm(request: HttpRequest, submission: Submission) -> HttpResponse:
    here = reverse("reporting:submission-import", kwargs={"pk": submission.pk})
    stashed = spreadsheets.unsign_stash(request.POST["token"], user_id=request.user.pk, salt=_TOKEN_SALT)
    if stashed is None or stashed.extra.get("submission") != submission.pk:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ. Hãy tải tệp lên và kiểm tra lại."))
        return redirect(here)
    try:
        reading = excel.read_filled_template(spreadsheets.read_stash(stashed.name), submission=submission)
        if reading.errors:
            raise spreadsheets.SpreadsheetError(_("Tệp có ô không đọc được. Hãy sửa tệp rồi tải lên lại."))
        result = services.submission_save(
            submission=submission, cells=reading.values, expected_version=stashed.extra.get("version"),
            by=request.user, source=ValueSource.IMPORT,
        )
    except spreadsheets.SpreadsheetError as exc:
        messages.error(request, exc.message)
        return redirect(here)
    except FileNotFoundError:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ. Hãy tải tệp lên và kiểm tra lại."))
        return redirect(here)
    except services.SubmissionConflict:
        messages.error(request, _(
            "Báo cáo đã thay đổi sau khi bạn kiểm tra tệp, nên chưa nhập gì. "
            "Hãy tải tệp lên lại để xem so sánh với bản mới nhất."
        ))
        return redirect(here)
    except services.SubmissionLocked as exc:
        messages.error(request, str(exc))
        return redirect(here)
    finally:
        spreadsheets.delete_stash(stashed.name)
    if result.cell_errors:  # cannot happen after a clean check; said plainly if it does
        messages.warning(request, _("Một số ô không nhập được; hãy kiểm tra lại trên trang báo cáo."))
    messages.success(request, _("Đã nhập số liệu từ tệp “%(file)s”. Hãy xem lại rồi gửi báo cáo.") % {
        "file": stashed.filename})
    return redirect(_edit_url(submission))

