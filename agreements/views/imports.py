"""Import and export of the welfare programme's records: partners, offers, outlets and usage.

Upload → check (dry run: every bad row listed, nothing written) → confirm → write (all or
nothing). Between the check and the confirmation the file is parked in shared storage and the
page carries only a signed token naming it, the uploader and the importing unit
(`unionportal.spreadsheets`). A file of more than `IMPORT_ASYNC_THRESHOLD` rows is checked
and written by a background job instead; its page shows a progress bar that polls with htmx,
and the officer may leave and come back to it (the import page lists their recent jobs).

Officers import for their own unit (a system administrator for the unit of that role); the
export gives anyone with a scope the records they may see, in the import's columns.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from agreements.models import ImportJob, ImportJobStatus
from agreements.resources import RESOURCES, ProgrammeResource
from agreements.services import (
    ImportOutcome,
    import_file_apply,
    import_file_check,
    import_file_prepare,
    import_job_start,
)
from organizations.choices import Role
from organizations.models import RoleAssignment, Unit, User
from organizations.scoping import get_scope
from unionportal import spreadsheets

_TOKEN_SALT = "agreements.import"
_ERRORS_SHOWN = ImportJob.ERRORS_KEPT
_RECENT_JOBS = 10


def import_units(user: User) -> list[Unit]:
    """The units `user` imports for: where they are an officer, or the unit of their system
    administrator role (TLĐ). Reviewers and unit administrators do not import records."""
    units = {
        a.unit.pk: a.unit
        for a in RoleAssignment.objects.filter(
            user=user, role__in=[Role.OFFICER, Role.SYSTEM_ADMIN], unit__is_active=True
        ).select_related("unit")
    }
    if not units and user.is_superuser:
        units = {u.pk: u for u in Unit.objects.filter(depth=1)}
    return sorted(units.values(), key=lambda u: u.path)


def _resource_or_404(slug: str) -> type[ProgrammeResource]:
    try:
        return RESOURCES[slug]
    except KeyError:
        raise Http404 from None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Nhập cho đơn vị"), empty_label=None)

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        if len(units) == 1:
            del self.fields["unit"]  # the officer's own unit, nothing to choose
        else:
            self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
            self.fields["unit"].initial = units[0].pk

    def clean(self):
        cleaned = super().clean()
        if len(self.units) == 1:
            cleaned["unit"] = self.units[0]
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        refused = spreadsheets.check_upload(upload.name, upload.size)
        if refused:
            raise forms.ValidationError(refused)
        return upload


@login_required
def import_start(request: HttpRequest, resource: str) -> HttpResponse:
    """Upload and check a file; confirm a checked file; or see the recent import jobs."""
    resource_class = _resource_or_404(resource)
    units = import_units(request.user)
    if not units:
        raise Http404
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, resource_class, units)

    form = ImportForm(units=units)
    context: dict = {}
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            upload, unit = form.cleaned_data["file"], form.cleaned_data["unit"]
            content = upload.read()
            try:
                prepared = import_file_prepare(resource=resource_class.slug, content=content, filename=upload.name)
            except spreadsheets.SpreadsheetError as exc:
                form.add_error("file", exc.message)
            else:
                if not prepared.problems and prepared.rows > settings.IMPORT_ASYNC_THRESHOLD:
                    job = import_job_start(
                        user=request.user, unit=unit, resource=resource_class.slug,
                        stash_name=spreadsheets.stash_upload(content, upload.name), original_name=upload.name,
                        dry_run=True, total_rows=prepared.rows,
                    )
                    return redirect("agreements:import-job-detail", pk=job.pk)
                outcome = import_file_check(prepared=prepared, user=request.user, unit=unit)
                context.update(_outcome_context(outcome), file_name=upload.name, unit=unit)
                if outcome.is_valid and (outcome.new or outcome.updated):
                    name = spreadsheets.stash_upload(content, upload.name)
                    context["token"] = _sign(name, upload.name, request.user, unit, resource_class)
    return _render_start(request, resource_class, form, context)


def _render_start(request, resource_class, form, context) -> HttpResponse:
    columns = resource_class.sheet_columns()
    context.update(
        form=form,
        resource=resource_class,
        resources=RESOURCES.values(),
        columns=[(header, key in columns.required) for key, header in columns.headers.items()],
        one_of=[columns.headers[k] for k in columns.one_of],
        threshold=settings.IMPORT_ASYNC_THRESHOLD,
        jobs=ImportJob.objects.filter(user=request.user).select_related("unit")[:_RECENT_JOBS],
        resource_titles={slug: r.label for slug, r in RESOURCES.items()},
    )
    return render(request, "agreements/imports/import_start.html", context)


def _sign(name: str, filename: str, user: User, unit: Unit, resource_class) -> str:
    return spreadsheets.sign_stash(
        name, filename, user_id=user.pk, salt=f"{_TOKEN_SALT}:{resource_class.slug}", extra={"unit": unit.pk}
    )


def _confirm(request: HttpRequest, resource_class, units: list[Unit]) -> HttpResponse:
    start_url = reverse("agreements:import-start", kwargs={"resource": resource_class.slug})
    expired = _("Phiên nhập đã hết hạn hoặc không hợp lệ. Hãy tải tệp lên và kiểm tra lại.")
    stashed = spreadsheets.unsign_stash(
        request.POST["token"], user_id=request.user.pk, salt=f"{_TOKEN_SALT}:{resource_class.slug}"
    )
    unit = next((u for u in units if stashed and u.pk == stashed.extra.get("unit")), None)
    if stashed is None or unit is None:
        messages.error(request, expired)
        return redirect(start_url)
    try:
        prepared = import_file_prepare(
            resource=resource_class.slug, content=spreadsheets.read_stash(stashed.name), filename=stashed.name
        )
    except (spreadsheets.SpreadsheetError, FileNotFoundError):
        spreadsheets.delete_stash(stashed.name)
        messages.error(request, expired)
        return redirect(start_url)

    if prepared.rows > settings.IMPORT_ASYNC_THRESHOLD:
        try:
            job = import_job_start(
                user=request.user, unit=unit, resource=resource_class.slug, stash_name=stashed.name,
                original_name=stashed.filename, dry_run=False, total_rows=prepared.rows,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(start_url)
        return redirect("agreements:import-job-detail", pk=job.pk)

    try:
        outcome = import_file_apply(prepared=prepared, user=request.user, unit=unit)
    finally:
        spreadsheets.delete_stash(stashed.name)
    if not outcome.applied:
        context = _outcome_context(outcome)
        context.update(file_name=stashed.filename, unit=unit, apply_failed=True)
        return _render_start(request, resource_class, ImportForm(units=units), context)
    messages.success(
        request,
        _("Đã nhập tệp “%(file)s”: %(new)d bản ghi mới, %(updated)d bản ghi được cập nhật.")
        % {"file": stashed.filename, "new": outcome.new, "updated": outcome.updated},
    )
    return redirect(start_url)


def _outcome_context(outcome: ImportOutcome) -> dict:
    row_errors = outcome.row_errors
    return {
        "result": outcome,
        "file_errors": outcome.file_errors,
        "row_errors": row_errors[:_ERRORS_SHOWN],
        "hidden_error_count": max(0, len(row_errors) - _ERRORS_SHOWN),
        "error_row_count": outcome.error_row_count,
    }


@login_required
def import_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A background import: a progress bar while it runs (htmx polls this view for the
    fragment), then its result. Only its owner and system administrators see it."""
    job = get_object_or_404(ImportJob.objects.owned_by(request.user).select_related("unit"), pk=pk)
    resource_class = _resource_or_404(job.resource)
    context: dict = {"job": job, "resource": resource_class}
    if job.is_finished:
        file_errors = [e for e in job.errors if e.get("row") is None]
        row_errors = [e for e in job.errors if e.get("row") is not None]
        context.update(
            result={"rows": job.total_rows, "new": job.new_count, "updated": job.updated_count,
                    "applied": job.applied, "dry_run": job.dry_run},
            file_errors=file_errors,
            row_errors=row_errors,
            hidden_error_count=max(0, job.error_count - len(job.errors)),
            error_row_count=job.error_row_count,
            file_name=job.original_name,
            unit=job.unit,
            apply_failed=not job.dry_run and not job.applied and bool(job.errors),
        )
        confirmable = (
            job.dry_run and job.status == ImportJobStatus.SUCCEEDED and not job.error_count
            and (job.new_count or job.updated_count) and job.user_id == request.user.pk
            and spreadsheets.is_stashed_name(job.file_path) and default_storage.exists(job.file_path)
            and not ImportJob.objects.filter(file_path=job.file_path, dry_run=False).exists()
        )
        if confirmable:
            context["token"] = _sign(job.file_path, job.original_name, request.user, job.unit, resource_class)
    template = "agreements/imports/_job_status.html" if request.htmx else "agreements/imports/job_detail.html"
    return render(request, template, context)


@login_required
@require_GET
def export(request: HttpRequest, resource: str) -> HttpResponse:
    """The records the user may see, as .xlsx (default) or .csv, in the import's columns,
    every cell that a spreadsheet would run as a formula written as text."""
    resource_class = _resource_or_404(resource)
    if get_scope(request.user).is_empty:
        raise Http404
    file_format = request.GET.get("format", "xlsx")
    if file_format not in spreadsheets.CONTENT_TYPES:
        raise Http404
    exporter = resource_class(user=request.user)
    content = spreadsheets.render_dataset(
        exporter.export_dataset(), file_format, title=str(resource_class.label), widths=resource_class.column_widths
    )
    response = HttpResponse(content, content_type=spreadsheets.CONTENT_TYPES[file_format])
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{resource_class.slug}-{stamp}.{file_format}"'
    return response
