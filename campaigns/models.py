"""Propaganda campaigns (Ban Tuyên giáo): plans cascading down the tree, milestones, media outlets,
sections with their weekly quota of articles, articles, and activities counted in the reports."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.choices import ActivityKind, OutletKind, Theme
from organizations.models import Unit
from organizations.scoping import ScopedQuerySet
from unionportal.documents import private_storage, random_name


class CampaignQuerySet(ScopedQuerySet):
    unit_field = "unit"

    def running_on(self, day: date | None = None):
        """Plans with a phase under way on `day`."""
        day = day or timezone.localdate()
        return self.filter(phases__starts_on__lte=day, phases__ends_on__gte=day).distinct()

    def visible_to(self, user):
        # Besides the scope, the plans of every unit above the user's are visible: they are what the
        # units below implement (TLĐ's plan, the province's plan that a district carries out).
        from organizations.scoping import get_scope

        scope = get_scope(user)
        if scope.is_empty:
            return self.none()
        return self.filter(scope.q("view", "unit__") | scope.upward_q("unit__"))


class Campaign(models.Model):
    """Kế hoạch tuyên truyền: a propaganda plan of a unit, possibly implementing an upper unit's plan."""

    title = models.CharField(_("tên kế hoạch"), max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("đơn vị ban hành"))
    implements = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="implementations",
        verbose_name=_("thực hiện kế hoạch của cấp trên"),
    )
    themes = models.JSONField(_("chủ đề"), default=list, help_text=_("Các mã chủ đề, xem Theme."))
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    legal_basis = models.TextField(_("căn cứ"), blank=True, help_text=_("Các văn bản kế hoạch này thực hiện, mỗi văn bản một dòng."))
    audience = models.TextField(_("đối tượng"), blank=True)
    departments = models.TextField(_("các ban chịu trách nhiệm và nhiệm vụ"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "title"]
        verbose_name = _("kế hoạch tuyên truyền")
        verbose_name_plural = _("kế hoạch tuyên truyền")

    def __str__(self) -> str:
        return self.title

    def theme_labels(self) -> list[str]:
        return [str(Theme(code).label) for code in self.themes if code in Theme.values]

    def clean(self):
        # Plans cascade down the tree: a plan implements only a plan of a unit above its own
        # (which also rules out implementing itself or a plan below, so no cycle can form).
        if self.implements_id and self.unit_id:
            upper, unit = self.implements.unit, self.unit
            if not (unit.path.startswith(upper.path) and unit.depth > upper.depth):
                raise ValidationError({"implements": _("Chỉ thực hiện được kế hoạch của đơn vị cấp trên.")})


class Phase(models.Model):
    """Giai đoạn: a phase of a plan (phase 1: 07/2017–05/2018)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("tên giai đoạn"), max_length=100)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%m/%Y}–{self.ends_on:%m/%Y})"


def campaign_document_upload_to(instance, filename: str) -> str:
    return random_name("campaigns")


class CampaignDocumentQuerySet(ScopedQuerySet):
    unit_field = "campaign__unit"

    def visible_to(self, user):
        # Whoever sees the plan reads its documents, TLĐ's plans included (CampaignQuerySet).
        return self.filter(campaign__in=Campaign.objects.visible_to(user))


class CampaignDocument(models.Model):
    """Văn bản kèm theo kế hoạch: the signed plan, its annexes or the upper unit's letter (PDF, Word,
    scans), stored under a random name in the private storage and streamed only to those who see
    the plan."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="documents", verbose_name=_("kế hoạch")
    )
    file = models.FileField(_("tệp"), upload_to=campaign_document_upload_to, storage=private_storage)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("người tải lên")
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    objects = CampaignDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("văn bản kèm kế hoạch")
        verbose_name_plural = _("văn bản kèm kế hoạch")

    def __str__(self) -> str:
        return self.original_name


class MilestoneQuerySet(ScopedQuerySet):
    unit_field = "campaign__unit"


class Milestone(models.Model):
    """Mốc thời gian: what the plan requires by a date (sections ready by 20/9, interim review by 15/3)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("nội dung"), max_length=255)
    due_on = models.DateField(_("hạn"))
    binds_subtree = models.BooleanField(_("áp dụng cho các đơn vị cấp dưới"), default=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("mốc thời gian")
        verbose_name_plural = _("mốc thời gian")

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on:%d/%m/%Y})"


class MilestoneCompletion(models.Model):
    """A unit has done what a milestone asks (done / overdue are read from this and the due date)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="completions")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    done_on = models.DateField(_("ngày hoàn thành"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("hoàn thành mốc")
        verbose_name_plural = _("hoàn thành mốc")
        constraints = [models.UniqueConstraint(fields=["milestone", "unit"], name="milestone_completion_unique")]

    def __str__(self) -> str:
        return f"{self.milestone} — {self.unit}"


class MediaOutletQuerySet(ScopedQuerySet):
    unit_field = "unit"


class MediaOutlet(models.Model):
    """Cơ quan báo chí, trang tin: a website, newspaper, magazine, radio/TV or social page of a unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="media_outlets", verbose_name=_("đơn vị chủ quản"))
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=OutletKind.choices)
    url = models.URLField(_("địa chỉ trang"), blank=True)
    feed_url = models.URLField(_("địa chỉ RSS/Atom"), blank=True)

    objects = MediaOutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan báo chí, trang tin")
        verbose_name_plural = _("cơ quan báo chí, trang tin")

    def __str__(self) -> str:
        return self.name


class SectionQuerySet(ScopedQuerySet):
    unit_field = "outlet__unit"


class Section(models.Model):
    """Chuyên trang, chuyên mục: a dedicated page or column that must carry its weekly quota of articles."""

    outlet = models.ForeignKey(MediaOutlet, on_delete=models.PROTECT, related_name="sections", verbose_name=_("cơ quan báo chí"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="sections", verbose_name=_("kế hoạch")
    )
    name = models.CharField(_("tên chuyên mục"), max_length=255)
    theme = models.CharField(_("chủ đề"), max_length=30, choices=Theme.choices)
    url = models.URLField(_("địa chỉ chuyên mục"), blank=True)
    opened_on = models.DateField(_("ngày mở"))
    weekly_quota = models.PositiveSmallIntegerField(_("số bài tối thiểu mỗi tuần"), default=2)
    runs_banner = models.BooleanField(_("có banner trên trang chủ"), default=False)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["outlet__name", "name"]
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")

    def __str__(self) -> str:
        return f"{self.outlet} — {self.name}"


class ArticleQuerySet(ScopedQuerySet):
    unit_field = "section__outlet__unit"


class Article(models.Model):
    """Bài viết: an article published in a section (entered, imported from a file or pulled from a feed)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="articles", verbose_name=_("chuyên mục"))
    title = models.CharField(_("tiêu đề"), max_length=500)
    url = models.URLField(_("địa chỉ bài"), max_length=500)
    published_on = models.DateField(_("ngày đăng"))
    in_print = models.BooleanField(_("có đăng trên báo in"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "url"], name="article_unique_url_per_section",
                violation_error_message=_("Chuyên mục đã có bài viết với địa chỉ này."),
            )
        ]
        indexes = [models.Index(fields=["section", "published_on"])]

    def __str__(self) -> str:
        return self.title


class ActivityQuerySet(ScopedQuerySet):
    unit_field = "unit"


class Activity(models.Model):
    """Hoạt động tuyên truyền: a launch conference, seminar, training, consultation fair, contest or print run."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaign_activities", verbose_name=_("đơn vị"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities", verbose_name=_("kế hoạch")
    )
    kind = models.CharField(_("loại hoạt động"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("tên hoạt động"), max_length=255)
    held_on = models.DateField(_("ngày tổ chức"))
    participants = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("số bản in"), null=True, blank=True)
    placed_at = models.CharField(_("nơi niêm yết, phát"), max_length=255, blank=True)
    partners = models.ManyToManyField(
        "agreements.Partner", blank=True, related_name="campaign_activities", verbose_name=_("đối tác tham gia")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("hoạt động tuyên truyền")
        verbose_name_plural = _("hoạt động tuyên truyền")
        indexes = [models.Index(fields=["unit", "kind", "held_on"])]

    def __str__(self) -> str:
        return self.title
