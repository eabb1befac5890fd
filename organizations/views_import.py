"""Import and export of the unit tree: upload → check (dry run) → confirm → apply; download.

Between the check and the confirmation the uploaded file waits in shared storage
(`MEDIA_ROOT/imports/<random>.xlsx`, see `unionportal.spreadsheets`), never in a worker's
memory, so the confirmation may land on any web worker. The page carries only a signed,
expiring token naming that file and the user who uploaded it; confirming re-reads the file
and checks it again inside the write.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from organizations.models import Unit
from organizations.resources import (
    COLUMN_HEADERS,
    UnitFileError,
    UnitResource,
    read_unit_file,
    render_dataset,
)
from organizations.scoping import get_scope
from organizations.services import UnitImportResult, unit_tree_import
from unionportal import spreadsheets

_TOKEN_SALT = "organizations.unit-import"
_ERRORS_SHOWN = 1000
_CONTENT_TYPES = spreadsheets.CONTENT_TYPES


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách đơn vị (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        refused = spreadsheets.check_upload(upload.name, upload.size)
        if refused:
            raise forms.ValidationError(refused)
        return upload


@login_required
def unit_import(request: HttpRequest) -> HttpResponse:
    """Check an uploaded file (nothing written), then apply it after the user confirms."""
    if not get_scope(request.user).is_staff_like:
        raise Http404
    if request.method == "POST" and "token" in request.POST:
        return _apply(request)

    form = UnitImportForm()
    context: dict = {}
    if request.method == "POST":
        form = UnitImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                dataset = read_unit_file(content, upload.name)
            except UnitFileError as exc:
                form.add_error("file", exc.message)
            else:
                result = unit_tree_import(dataset=dataset, user=request.user, dry_run=True)
                context.update(_result_context(result))
                context["file_name"] = upload.name
                if result.is_valid and (result.new or result.updated):
                    context["token"] = _stage(content, upload.name, request.user.pk)
    context["form"] = form
    context["columns"] = COLUMN_HEADERS.values()
    return render(request, "organizations/unit_import.html", context)


def _apply(request: HttpRequest) -> HttpResponse:
    stashed = spreadsheets.unsign_stash(request.POST["token"], user_id=request.user.pk, salt=_TOKEN_SALT)
    if stashed is None:
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ. Hãy tải tệp lên và kiểm tra lại."))
        return redirect("organizations:unit-import")
    name, file_name = stashed.name, stashed.filename
    try:
        dataset = read_unit_file(spreadsheets.read_stash(name), name)
        result = unit_tree_import(dataset=dataset, user=request.user, dry_run=False)
    except (UnitFileError, FileNotFoundError):
        messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ. Hãy tải tệp lên và kiểm tra lại."))
        return redirect("organizations:unit-import")
    finally:
        spreadsheets.delete_stash(name)
    if not result.applied:
        context = _result_context(result)
        context.update(form=UnitImportForm(), columns=COLUMN_HEADERS.values(), file_name=file_name, apply_failed=True)
        return render(request, "organizations/unit_import.html", context)
    messages.success(
        request,
        _("Đã nhập tệp “%(file)s”: %(new)d đơn vị mới, %(updated)d đơn vị được cập nhật.")
        % {"file": file_name, "new": result.new, "updated": result.updated},
    )
    return redirect("organizations:unit-import")


def _result_context(result: UnitImportResult) -> dict:
    row_errors = sorted(result.row_errors, key=lambda e: e.row)
    return {
        "result": result,
        "file_errors": result.file_errors,
        "row_errors": row_errors[:_ERRORS_SHOWN],
        "hidden_error_count": max(0, len(row_errors) - _ERRORS_SHOWN),
        "error_row_count": len({e.row for e in row_errors}),
    }


def _stage(content: bytes, file_name: str, user_id: int) -> str:
    """Park the checked file in shared storage; return the signed token that names it."""
    name = spreadsheets.stash_upload(content, file_name)
    return spreadsheets.sign_stash(name, file_name, user_id=user_id, salt=_TOKEN_SALT)


@login_required
@require_GET
def unit_export(request: HttpRequest) -> HttpResponse:
    """The units the user may see, as .xlsx (default) or .csv, in the import's columns."""
    if get_scope(request.user).is_empty:
        raise Http404
    file_format = request.GET.get("format", "xlsx")
    if file_format not in _CONTENT_TYPES:
        raise Http404
    dataset = UnitResource().export(Unit.objects.visible_to(request.user))
    response = HttpResponse(render_dataset(dataset, file_format), content_type=_CONTENT_TYPES[file_format])
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="don-vi-{stamp}.{file_format}"'
    return response
