"""Writing a propaganda plan (/tuyen-truyen/quan-ly/ke-hoach/): create it, edit it with its phases
on one page, and attach, download and remove its files. The list and the plan's page, with its
milestones and the units below, are in campaigns/views/officer.py.

Access, as on every officers' page: not signed in → login; no role anywhere → 404; a plan
outside the user's scope → 404; a plan they see but whose unit is not theirs to record for (the
reviewer above, an officer looking at TLĐ's plan) → 403 on every page that changes it. A file is
downloaded by whoever sees the plan; to anyone else, signed in or not, it does not exist (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.views.officer import editable_or_403, require_recording_unit, staff_required
from campaigns import services
from campaigns.forms import CampaignDocumentForm, CampaignForm, PhaseFormSet
from campaigns.models import Campaign, CampaignDocument
from organizations.scoping import get_scope
from unionportal.documents import stream_document


def _plan_page(request: HttpRequest, form: CampaignForm, phases: PhaseFormSet, *, title: str, back: str) -> HttpResponse:
    return render(request, "campaigns/officer/campaign_form.html",
                  {"form": form, "phases": phases, "title": title, "back": back})


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    require_recording_unit(request.user)
    initial = {}
    if upper := request.GET.get("thuc_hien"):
        initial["implements"] = upper
    campaign = Campaign()
    form = CampaignForm(request.POST or None, user=request.user, initial=initial, instance=campaign)
    phases = PhaseFormSet(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid() and phases.is_valid():
        to_save, _removed = phases.changes()
        campaign = services.campaign_create(campaign=form.save(commit=False), phases=to_save, by=request.user)
        messages.success(request, _("Đã lưu kế hoạch “%(title)s”.") % {"title": campaign.title})
        return redirect("campaigns:campaign-detail", pk=campaign.pk)
    return _plan_page(request, form, phases, title=_("Kế hoạch tuyên truyền mới"), back=reverse("campaigns:campaign-list"))


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_update(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's fields and its phases on one page, saved together or not at all."""
    campaign = editable_or_403(Campaign.objects.select_related("unit", "implements__unit"), pk, request.user)
    heading = _("Sửa kế hoạch: %(title)s") % {"title": campaign.title}  # before the form overwrites the title
    form = CampaignForm(request.POST or None, user=request.user, instance=campaign)
    phases = PhaseFormSet(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid() and phases.is_valid():
        to_save, removed = phases.changes()
        services.campaign_update(
            campaign=form.save(commit=False), phases=to_save, removed_phases=removed, by=request.user
        )
        messages.success(request, _("Đã lưu kế hoạch “%(title)s”.") % {"title": campaign.title})
        return redirect("campaigns:campaign-detail", pk=campaign.pk)
    return _plan_page(request, form, phases, title=heading,
                      back=reverse("campaigns:campaign-detail", args=[campaign.pk]))


# --- files of a plan ---------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = editable_or_403(Campaign.objects.select_related("unit"), pk, request.user)
    form = CampaignDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.campaign_document_add(
            campaign=campaign, upload=form.cleaned_data["file"], content_type=form.content_type,
            original_name=form.original_name, by=request.user,
        )
        messages.success(request, _("Đã tải lên văn bản “%(name)s”.") % {"name": form.original_name})
        return redirect("campaigns:campaign-detail", pk=campaign.pk)
    return render(request, "campaigns/officer/document_upload.html", {"campaign": campaign, "form": form})


@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Streamed only to users who see the plan; to anyone else the file does not exist."""
    if not request.user.is_authenticated or get_scope(request.user).is_empty:
        raise Http404
    document = get_object_or_404(CampaignDocument.objects.visible_to(request.user), pk=pk)
    return stream_document(document.file, filename=document.original_name, content_type=document.content_type)


@staff_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm, POST removes the file from the plan."""
    document = editable_or_403(CampaignDocument.objects.select_related("campaign"), pk, request.user)
    if request.method == "POST":
        services.campaign_document_delete(document=document, by=request.user)
        messages.success(request, _("Đã xóa văn bản “%(name)s”.") % {"name": document.original_name})
        return redirect("campaigns:campaign-detail", pk=document.campaign_id)
    return render(request, "campaigns/officer/document_delete.html", {"document": document})
