"""Officers' side of campaigns (/tuyen-truyen/quan-ly/): plans cascading down the tree (created,
edited and given files in campaigns/views/plans.py), milestones done or overdue per unit, media
outlets and their sections, articles (one by one, from a spreadsheet, from a feed file),
activities, and the quota board of Ban Tuyên giáo.

Access, the same on every page: not signed in → login; no role anywhere → 404; a record outside
the user's scope → 404; visible but not the user's own unit's → 403 on pages that change it.
Reads go through `visible_to`, writes through `editable_by` (campaigns/models.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.services import PreparedImport
from agreements.views.officer import (
    editable_ids,
    editable_or_403,
    paginate,
    require_recording_unit,
    staff_required,
    visible_or_404,
)
from campaigns import services
from campaigns.feeds import FeedError, feed_prepare
from campaigns.forms import (
    ActivityForm,
    ArticleFileForm,
    ArticleForm,
    FeedFileForm,
    MediaOutletForm,
    MilestoneCompletionForm,
    MilestoneForm,
    SectionForm,
    recording_units,
)
from campaigns.models import Activity, Article, Campaign, MediaOutlet, Milestone, MilestoneCompletion, Section
from campaigns.resources import ArticleResource
from campaigns.selectors import default_board_unit, quota_board, quota_board_workbook
from organizations.models import Unit
from unionportal import spreadsheets

# One salt per source: a token of a checked spreadsheet is never accepted as a feed, or back.
_TOKEN_SALTS = {False: "campaigns.article-import", True: "campaigns.article-feed-import"}
_ERRORS_SHOWN = 500


def _form_page(request, form, *, title, back, intro=None, enctype=False) -> HttpResponse:
    return render(request, "campaigns/officer/form.html",
                  {"form": form, "title": title, "back": back, "intro": intro, "multipart": enctype})


# --- plans -----------------------------------------------------------------------------------


@staff_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("unit", "implements__unit")
        .annotate(phase_count=Count("phases", distinct=True), implementation_count=Count("implementations", distinct=True))
        .order_by("unit__path", "-issued_on", "title")
    )
    page, query = paginate(request, campaigns)
    return render(request, "campaigns/officer/campaign_list.html", {
        "page": page, "query": query, "can_create": recording_units(request.user).exists(),
    })


def _units_below(campaign: Campaign, user):
    """The units directly below the plan's unit that the viewer sees, each marked with whether it
    has issued a plan implementing this one (one query)."""
    unit = campaign.unit
    return (
        Unit.objects.visible_to(user)
        .filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True)
        .annotate(has_plan=Exists(Campaign.objects.filter(unit=OuterRef("pk"), implements=campaign)))
        .order_by("-has_plan", "path")
    )


def _milestone_rows(campaign: Campaign, user, units_below: list[Unit]):
    """Each milestone with, per unit it binds that the viewer follows, done / overdue / pending."""
    today = timezone.localdate()
    milestones = list(campaign.milestones.all())
    completions = {
        (c.milestone_id, c.unit_id): c
        for c in MilestoneCompletion.objects.filter(milestone__campaign=campaign)
    }
    own = list(
        Unit.objects.visible_to(user).filter(pk=campaign.unit_id)
        | Unit.objects.editable_by(user).filter(path__startswith=campaign.unit.path)
    )
    followed = {u.pk: u for u in own}
    can_complete = set(
        Unit.objects.editable_by(user).filter(path__startswith=campaign.unit.path).values_list("pk", flat=True)
    )
    for unit in units_below:
        followed.setdefault(unit.pk, unit)
    rows = []
    for milestone in milestones:
        statuses = []
        for unit in sorted(followed.values(), key=lambda u: u.path):
            if unit.pk != campaign.unit_id and not milestone.binds_subtree:
                continue
            done = completions.get((milestone.pk, unit.pk))
            state = "done" if done else ("overdue" if milestone.due_on < today else "pending")
            statuses.append({"unit": unit, "state": state, "completion": done})
        may_complete = any(s["unit"].pk in can_complete and s["state"] != "done" for s in statuses)
        rows.append({"milestone": milestone, "statuses": statuses, "may_complete": may_complete})
    return rows


@staff_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_or_404(Campaign.objects.select_related("unit", "implements__unit"), pk, request.user)
    units_below = list(_units_below(campaign, request.user))
    can_edit = Campaign.objects.editable_by(request.user).filter(pk=campaign.pk).exists()
    # A unit below the plan's own, recorded by this user, may issue its implementing plan.
    may_implement = recording_units(request.user).filter(
        path__startswith=campaign.unit.path, depth__gt=campaign.unit.depth
    ).exists()
    return render(request, "campaigns/officer/campaign_detail.html", {
        "campaign": campaign,
        "phases": campaign.phases.all(),
        "documents": campaign.documents.select_related("uploaded_by"),
        "milestones": _milestone_rows(campaign, request.user, units_below),
        "units_below": units_below,
        "issued_count": sum(u.has_plan for u in units_below),
        "implementations": Campaign.objects.visible_to(request.user).filter(implements=campaign).select_related("unit"),
        "can_edit": can_edit,
        "may_implement": may_implement,
        "sections": Section.objects.visible_to(request.user).filter(campaign=campaign).select_related("outlet"),
    })


@staff_required
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = editable_or_403(Campaign.objects, pk, request.user)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Milestone.objects.create(campaign=campaign, **form.cleaned_data)
        messages.success(request, _("Đã thêm mốc thời gian."))
        return redirect("campaigns:campaign-detail", pk=campaign.pk)
    return _form_page(request, form, title=_("Thêm mốc thời gian"), back=reverse("campaigns:campaign-detail", args=[pk]))


@staff_required
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit bound by the milestone records that it is done (officers for their own unit)."""
    milestone = get_object_or_404(
        Milestone.objects.filter(campaign__in=Campaign.objects.visible_to(request.user)).select_related("campaign__unit"),
        pk=pk,
    )
    unit = milestone.campaign.unit
    bound = Q(pk=unit.pk) | (Q(path__startswith=unit.path) if milestone.binds_subtree else Q(pk__in=[]))
    units = Unit.objects.editable_by(request.user).filter(bound).order_by("path")
    if not units.exists():
        raise PermissionDenied
    form = MilestoneCompletionForm(request.POST or None, units=units, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.milestone_complete(milestone=milestone, by=request.user, **form.cleaned_data)
        messages.success(request, _("Đã ghi nhận hoàn thành “%(title)s”.") % {"title": milestone.title})
        return redirect("campaigns:campaign-detail", pk=milestone.campaign_id)
    return _form_page(request, form, title=_("Hoàn thành: %(title)s") % {"title": milestone.title},
                      back=reverse("campaigns:campaign-detail", args=[milestone.campaign_id]))


# --- outlets, sections, articles -------------------------------------------------------------


@staff_required
def outlet_list(request: HttpRequest) -> HttpResponse:
    outlets = list(
        MediaOutlet.objects.visible_to(request.user).select_related("unit").order_by("unit__path", "name")
    )
    sections = Section.objects.filter(outlet__in=[o.pk for o in outlets]).annotate(article_count=Count("articles"))
    by_outlet: dict[int, list] = {}
    for section in sections:
        by_outlet.setdefault(section.outlet_id, []).append(section)
    for outlet in outlets:
        outlet.section_list = by_outlet.get(outlet.pk, [])
    return render(request, "campaigns/officer/outlet_list.html", {
        "outlets": outlets,
        "editable": editable_ids(MediaOutlet.objects, outlets, request.user),
        "can_create": recording_units(request.user).exists(),
    })


@staff_required
def outlet_create(request: HttpRequest) -> HttpResponse:
    require_recording_unit(request.user)
    form = MediaOutletForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        outlet = form.save()
        messages.success(request, _("Đã thêm “%(name)s”.") % {"name": outlet.name})
        return redirect("campaigns:outlet-list")
    return _form_page(request, form, title=_("Thêm cơ quan báo chí, trang tin"), back=reverse("campaigns:outlet-list"))


@staff_required
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    outlet = editable_or_403(MediaOutlet.objects, pk, request.user)
    form = SectionForm(request.POST or None, user=request.user, instance=Section(outlet=outlet))
    if request.method == "POST" and form.is_valid():
        section = form.save()
        messages.success(request, _("Đã mở chuyên mục “%(name)s”.") % {"name": section.name})
        return redirect("campaigns:section-detail", pk=section.pk)
    return _form_page(request, form, title=_("Mở chuyên mục trên %(outlet)s") % {"outlet": outlet.name},
                      back=reverse("campaigns:outlet-list"))


@staff_required
def section_detail(request: HttpRequest, pk: int) -> HttpResponse:
    section = visible_or_404(Section.objects.select_related("outlet__unit", "campaign"), pk, request.user)
    page, query = paginate(request, section.articles.all())
    return render(request, "campaigns/officer/section_detail.html", {
        "section": section, "page": page, "query": query,
        "can_edit": Section.objects.editable_by(request.user).filter(pk=section.pk).exists(),
    })


@staff_required
def article_create(request: HttpRequest, pk: int) -> HttpResponse:
    section = editable_or_403(Section.objects.select_related("outlet"), pk, request.user)
    form = ArticleForm(request.POST or None, user=request.user, instance=_new_article(section))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã thêm bài viết."))
        return redirect("campaigns:section-detail", pk=section.pk)
    return _form_page(request, form, title=_("Thêm bài viết vào %(section)s") % {"section": section.name},
                      back=reverse("campaigns:section-detail", args=[pk]))


def _new_article(section: Section) -> Article:
    return Article(section=section)


@staff_required
def article_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Articles from an .xlsx/.csv: upload → check (every bad row listed, nothing written) →
    confirm → write all or nothing."""
    section = editable_or_403(Section.objects.select_related("outlet__unit"), pk, request.user)
    return _article_import_page(request, section, feed=False)


@staff_required
def article_feed_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Articles from an RSS/Atom file the officer saved from the outlet, the same steps as a
    spreadsheet: every entry checked and listed, then confirmed, then all written or none."""
    section = editable_or_403(Section.objects.select_related("outlet__unit"), pk, request.user)
    return _article_import_page(request, section, feed=True)


def _article_prepare(content: bytes, filename: str, *, feed: bool) -> PreparedImport:
    if feed:
        return feed_prepare(content)
    return services.article_file_prepare(content=content, filename=filename)


def _article_import_page(request: HttpRequest, section: Section, *, feed: bool) -> HttpResponse:
    salt = _TOKEN_SALTS[feed]
    here = reverse("campaigns:article-feed-import" if feed else "campaigns:article-import", args=[section.pk])
    form_class = FeedFileForm if feed else ArticleFileForm
    form = form_class()
    context: dict = {"section": section, "feed": feed, "columns": ArticleResource.column_headers()}
    if request.method == "POST" and "token" in request.POST:
        stashed = spreadsheets.unsign_stash(request.POST["token"], user_id=request.user.pk, salt=salt)
        if stashed is None or stashed.extra.get("section") != section.pk:
            messages.error(request, _("Phiên kiểm tra tệp đã hết hạn, hãy tải tệp lên lại."))
            return redirect(here)
        try:
            # The parked file is read and checked again: the section may have changed since.
            prepared = _article_prepare(spreadsheets.read_stash(stashed.name), stashed.name, feed=feed)
            result = services.articles_import(
                section=section, prepared=prepared, user=request.user, dry_run=False, feed=feed
            )
        except (spreadsheets.SpreadsheetError, FeedError, FileNotFoundError):
            messages.error(request, _("Phiên kiểm tra tệp đã hết hạn, hãy tải tệp lên lại."))
            return redirect(here)
        finally:
            spreadsheets.delete_stash(stashed.name)
        if result.outcome.applied:
            messages.success(request, (
                _("Đã nhập %(count)d bài viết từ tệp RSS/Atom.") if feed else _("Đã nhập %(count)d bài viết.")
            ) % {"count": result.outcome.new})
            return redirect("campaigns:section-detail", pk=section.pk)
        context.update(_article_outcome(result), file_name=stashed.filename, apply_failed=True)
    elif request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                prepared = _article_prepare(content, upload.name, feed=feed)
            except (spreadsheets.SpreadsheetError, FeedError) as exc:
                form.add_error("file", exc.message)
            else:
                result = services.articles_import(
                    section=section, prepared=prepared, user=request.user, dry_run=True, feed=feed
                )
                for problem in result.outcome.file_errors:
                    form.add_error("file", problem.message)
                context.update(_article_outcome(result), file_name=upload.name)
                if result.outcome.is_valid and result.outcome.new:
                    # Parked as .xml whatever the feed file was called (.rss, .atom); the token
                    # carries the name the officer knows.
                    name = spreadsheets.stash_upload(content, "feed.xml" if feed else upload.name)
                    context["token"] = spreadsheets.sign_stash(
                        name, upload.name, user_id=request.user.pk, salt=salt, extra={"section": section.pk}
                    )
    context["form"] = form
    return render(request, "campaigns/officer/article_import.html", context)


def _article_outcome(result: services.ArticleImport) -> dict:
    outcome = result.outcome
    row_errors = outcome.row_errors
    return {
        "checked": outcome.dry_run and not outcome.file_errors,
        "outcome": outcome,
        "row_errors": row_errors[:_ERRORS_SHOWN],
        "hidden_error_count": max(0, len(row_errors) - _ERRORS_SHOWN),
        "preview": result.preview,
        "hidden_preview_count": max(0, outcome.new - len(result.preview)),
    }


# --- activities ------------------------------------------------------------------------------


@staff_required
def activity_list(request: HttpRequest) -> HttpResponse:
    activities = Activity.objects.visible_to(request.user).select_related("unit", "campaign").order_by("-held_on", "-pk")
    page, query = paginate(request, activities)
    return render(request, "campaigns/officer/activity_list.html", {
        "page": page, "query": query, "can_create": recording_units(request.user).exists(),
    })


@staff_required
def activity_create(request: HttpRequest) -> HttpResponse:
    require_recording_unit(request.user)
    form = ActivityForm(request.POST or None, user=request.user, instance=Activity(created_by=request.user))
    if request.method == "POST" and form.is_valid():
        activity = form.save()
        messages.success(request, _("Đã ghi nhận hoạt động “%(title)s”.") % {"title": activity.title})
        return redirect("campaigns:activity-list")
    return _form_page(request, form, title=_("Ghi nhận hoạt động tuyên truyền"), back=reverse("campaigns:activity-list"))


# --- quota board -----------------------------------------------------------------------------


def _board(request: HttpRequest):
    units = Unit.objects.visible_to(request.user)
    unit = None
    if chosen := request.GET.get("don_vi"):
        unit = get_object_or_404(units, pk=chosen) if chosen.isdigit() else None
    unit = unit or default_board_unit(request.user)
    if unit is None:
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    board = quota_board(sections=Section.objects.visible_to(request.user), unit=unit, year=year, today=today)
    return board, units


@staff_required
def quota_board_page(request: HttpRequest) -> HttpResponse:
    board, units = _board(request)
    # The unit picker: the units that own at least one section the viewer sees, plus their own.
    # A semi-join on the few owners of sections: joining every visible unit to its outlets and
    # sections, then DISTINCT, took 180 ms over the national tree.
    owners = Section.objects.values("outlet__unit_id")
    pickable = units.filter(Q(pk__in=owners) | Q(pk=board.unit.pk)).order_by("path")[:500]
    today = timezone.localdate()
    return render(request, "campaigns/officer/quota_board.html", {
        "board": board, "units": pickable, "years": range(today.year + 1, today.year - 6, -1),
    })


@staff_required
def quota_board_export(request: HttpRequest) -> HttpResponse:
    board, _units = _board(request)
    response = HttpResponse(quota_board_workbook(board), content_type=spreadsheets.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="chi-tieu-bai-viet-{board.unit.code}-{board.year}.xlsx"'
    return response
