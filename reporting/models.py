"""Reporting: the TLĐ appendix forms as data, periods and deadlines, which units owe which form,
submissions with their values and history, and the consolidated totals up the tree."""

import calendar
from datetime import date, datetime, time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Unit
from organizations.scoping import ScopedQuerySet
from reporting.choices import Aggregation, PeriodType, RowKind, SubmissionStatus, ValueSource
from unionportal import audit


class Form(models.Model):
    """Biểu mẫu: one appendix form (PL01, PL02, PL03, AGIANG) across its versions, with its deadline rule.

    The deadline rule and the reminder days are data an administrator may edit: periods take
    their due date from it when they are generated, and reminders read the offsets.
    """

    code = models.SlugField(_("mã biểu mẫu"), max_length=20, unique=True)
    title = models.CharField(_("tên biểu mẫu"), max_length=255)
    period_type = models.CharField(_("kỳ báo cáo"), max_length=10, choices=PeriodType.choices)
    due_day = models.PositiveSmallIntegerField(_("hạn nộp: ngày"), null=True, blank=True)
    due_month = models.PositiveSmallIntegerField(
        _("hạn nộp: tháng"), null=True, blank=True, help_text=_("Chỉ với báo cáo năm, ví dụ 12 cho hạn 05/12.")
    )
    one_off_due_date = models.DateField(_("hạn nộp (báo cáo một lần)"), null=True, blank=True)
    reminder_offsets = models.JSONField(
        _("ngày nhắc hạn (số ngày so với hạn nộp)"),
        default=list,
        blank=True,
        help_text=_("Ví dụ [-5, 0]: nhắc trước hạn 5 ngày và đúng ngày hạn."),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("biểu mẫu báo cáo")
        verbose_name_plural = _("biểu mẫu báo cáo")

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def current_version(self) -> "FormVersion | None":
        return self.versions.filter(is_current=True).first()

    def due_date_for(self, year: int, month: int | None) -> date:
        """The due date of the period of `year` (and `month`, for a monthly form).

        A one-off form is due either on its fixed date or, when it has a day and month (Phụ lục
        01: 20/9), on that day of the year it is asked for. A day past the end of a short month
        (31 for February) means the month's last day.
        """
        if self.period_type == PeriodType.ONE_OFF and not (self.due_day and self.due_month):
            return self.one_off_due_date
        month = month if self.period_type == PeriodType.MONTHLY else self.due_month
        return date(year, month, min(self.due_day, calendar.monthrange(year, month)[1]))

    def has_period_in(self, year: int) -> bool:
        """Whether the form is reported for `year` (a one-off form with a fixed date: only its year)."""
        if self.period_type == PeriodType.ONE_OFF and not (self.due_day and self.due_month):
            return bool(self.one_off_due_date) and self.one_off_due_date.year == year
        return True


class FormVersion(models.Model):
    """Phiên bản biểu mẫu: one version of a form as loaded from its data file in `reporting/forms/`.

    Submissions keep the version they were filled on, so a new version leaves them readable.
    """

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="versions", verbose_name=_("biểu mẫu"))
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    definition = models.JSONField(_("định nghĩa"))
    checksum = models.CharField(max_length=64)
    is_current = models.BooleanField(_("phiên bản hiện hành"), default=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["form", "-version"]
        verbose_name = _("phiên bản biểu mẫu")
        verbose_name_plural = _("phiên bản biểu mẫu")
        constraints = [models.UniqueConstraint(fields=["form", "version"], name="form_version_unique")]

    def __str__(self) -> str:
        return f"{self.form.code} v{self.version}"

    @property
    def columns(self) -> list[dict]:
        """Value columns of the form: [{"key": "value", "label": "Số lượng"}] unless the file says more."""
        return self.definition.get("columns") or [{"key": "value", "label": "Số lượng"}]

    @property
    def rules(self) -> list[dict]:
        return self.definition.get("rules", [])


class FormRow(models.Model):
    """Dòng biểu mẫu: a numbered line of a form ("1.2.2.1 a"), its unit of measure and how it adds up."""

    form_version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="rows")
    key = models.SlugField(_("mã dòng"), max_length=60)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    number = models.CharField(_("số thứ tự in trên mẫu"), max_length=20, blank=True)
    label = models.TextField(_("nội dung"))
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    kind = models.CharField(_("loại"), max_length=10, choices=RowKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="parts", verbose_name=_("thuộc dòng")
    )
    aggregation = models.CharField(_("cách tổng hợp"), max_length=10, choices=Aggregation.choices)
    indent = models.PositiveSmallIntegerField(_("thụt lề"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=False)
    bold = models.BooleanField(_("in đậm"), default=False)
    cells = models.JSONField(
        _("các ô"), default=dict, blank=True, help_text=_("Đơn vị tính và loại của từng cột, nếu biểu mẫu có nhiều cột.")
    )
    prefill = models.CharField(_("lấy sẵn từ"), max_length=80, blank=True)

    class Meta:
        ordering = ["form_version", "order"]
        verbose_name = _("dòng biểu mẫu")
        verbose_name_plural = _("dòng biểu mẫu")
        constraints = [models.UniqueConstraint(fields=["form_version", "key"], name="form_row_unique_key")]

    def __str__(self) -> str:
        return f"{self.number} {self.label}".strip()

    @property
    def is_section(self) -> bool:
        return self.kind == RowKind.SECTION

    @property
    def is_numeric(self) -> bool:
        return self.kind in (RowKind.INTEGER, RowKind.MONEY, RowKind.PERCENT)

    def column_spec(self, column: str) -> dict:
        """Unit of measure and kind of one cell of this row."""
        spec = {"unit": self.unit, "kind": self.kind}
        spec.update(self.cells.get(column, {}))
        return spec


class PeriodQuerySet(models.QuerySet):
    def for_form(self, code: str):
        return self.filter(form__code=code)

    def containing(self, day: date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Period(models.Model):
    """Kỳ báo cáo: one month or year (or the one-off round) of a form, with its due date."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="periods", verbose_name=_("biểu mẫu"))
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    due_date = models.DateField(_("hạn nộp"))

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["form", "-year", "-month"]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "year", "month"], name="period_unique_month", condition=Q(month__isnull=False)
            ),
            models.UniqueConstraint(fields=["form", "year"], name="period_unique_year", condition=Q(month__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.form.code} — {self.label}"

    @property
    def label(self) -> str:
        if self.month:
            return _("Tháng %(month)02d/%(year)s") % {"month": self.month, "year": self.year}
        if self.form.period_type == PeriodType.YEARLY:
            return _("Năm %(year)s") % {"year": self.year}
        return _("Đợt năm %(year)s") % {"year": self.year}

    @property
    def slug(self) -> str:
        """As typed on the command line and in URLs: 2026-11, or 2026."""
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)

    def deadline(self) -> datetime:
        """The end of the due date in Asia/Ho_Chi_Minh: a first submission after it is late."""
        return timezone.make_aware(datetime.combine(self.due_date, time.max))

    def previous(self) -> "Period | None":
        return (
            Period.objects.filter(form_id=self.form_id, starts_on__lt=self.starts_on).order_by("-starts_on").first()
        )


class FormAssignmentQuerySet(ScopedQuerySet):
    unit_field = "unit"

    def active_on(self, day: date):
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day)

    def for_period(self, period: Period):
        """Assignments that make a unit owe this period: in force on its due date."""
        return self.filter(form_id=period.form_id).active_on(period.due_date)


class FormAssignment(models.Model):
    """Đơn vị phải báo cáo: the unit owes the form from `valid_from` until `valid_until`.

    The expected set follows units that open, close or merge, instead of "every unit in the tree".
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="form_assignments", verbose_name=_("đơn vị"))
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("biểu mẫu"))
    valid_from = models.DateField(_("từ ngày"))
    valid_until = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = FormAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị phải báo cáo")
        verbose_name_plural = _("đơn vị phải báo cáo")
        indexes = [models.Index(fields=["form", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} — {self.form.code}"


class SubmissionQuerySet(audit.AuditedQuerySet, ScopedQuerySet):
    unit_field = "unit"

    def for_period(self, period: Period):
        return self.filter(period=period)

    def for_form(self, code: str):
        return self.filter(period__form__code=code)

    def with_status(self, *statuses: str):
        return self.filter(status__in=statuses)

    def awaiting_review(self):
        return self.filter(status=SubmissionStatus.SUBMITTED)

    def approved(self):
        return self.filter(status=SubmissionStatus.APPROVED)

    def late(self):
        """First submitted after the end of the due date (decided once, at the first submission)."""
        return self.filter(submitted_late=True)

    def on_time(self):
        return self.filter(first_submitted_at__isnull=False, submitted_late=False)


class Submission(models.Model):
    """Báo cáo của đơn vị: one unit's report for one form and period, with its review state.

    `version` grows with every saved change: a save or a review based on an older version is
    refused, so two people never overwrite each other silently. `first_submitted_at` decides
    timeliness; a resubmission after a return moves only `last_submitted_at`.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("đơn vị"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("kỳ"))
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("phiên bản biểu mẫu")
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("phiên bản lưu"), default=1)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("gửi lần cuối"), null=True, blank=True)
    submitted_late = models.BooleanField(_("gửi muộn"), default=False)
    approved_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("người duyệt"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("người sửa cuối"),
    )

    objects = SubmissionQuerySet.as_manager()
    # Lịch sử thay đổi: every version of the row, with who and when (unionportal/audit.py).
    history = audit.history(
        excluded_fields=["updated_at"], verbose_name=_("lịch sử thay đổi báo cáo"),
        verbose_name_plural=_("lịch sử thay đổi báo cáo"),
    )

    class Meta:
        ordering = ["period__due_date", "unit__path"]
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                name="submission_unique_per_unit_period",
                violation_error_message=_("Đơn vị đã có báo cáo cho kỳ này."),
            )
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.APPROVED


class SubmissionValue(models.Model):
    """Số liệu: one cell of a submission. An empty cell (null) and a zero stay different."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    row = models.ForeignKey(FormRow, on_delete=models.PROTECT, related_name="+")
    column = models.CharField(max_length=30, default="value")
    number = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    text = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=ValueSource.choices, default=ValueSource.MANUAL)
    source_note = models.CharField(_("nguồn số liệu lấy sẵn"), max_length=255, blank=True)
    comment = models.TextField(_("giải trình"), blank=True)

    objects = audit.AuditedQuerySet.as_manager()
    history = audit.history(
        verbose_name=_("lịch sử thay đổi số liệu"), verbose_name_plural=_("lịch sử thay đổi số liệu")
    )

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["submission", "row", "column"], name="submission_value_unique_cell")
        ]

    def __str__(self) -> str:
        return f"{self.row.key}/{self.column}"


class SubmissionTransition(models.Model):
    """Lịch sử báo cáo: who moved a submission from which state to which, when, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("từ trạng thái"), max_length=10, choices=SubmissionStatus.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=10, choices=SubmissionStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("người thực hiện")
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("lịch sử báo cáo")
        verbose_name_plural = _("lịch sử báo cáo")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ReviewComment(models.Model):
    """Ý kiến theo dòng: a reviewer's comment on one row when returning a submission."""

    transition = models.ForeignKey(SubmissionTransition, on_delete=models.CASCADE, related_name="row_comments")
    row = models.ForeignKey(FormRow, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("ý kiến"))

    class Meta:
        verbose_name = _("ý kiến theo dòng")
        verbose_name_plural = _("ý kiến theo dòng")

    def __str__(self) -> str:
        return self.text


class ConsolidatedTotal(models.Model):
    """Số liệu tổng hợp: the sum of approved submissions in a unit's subtree for one row and period.

    Kept for units that have units below them, and updated in the same transaction as every
    approval or reopening, so the consolidation is live without summing 130,000 reports per read.
    `verify_totals` recomputes it from scratch.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    row_key = models.SlugField(max_length=60)
    column = models.CharField(max_length=30, default="value")
    total = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    contributors = models.IntegerField(default=0)  # signed: a reopening inserts -1 before the conflict merges it

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "row_key", "column"], name="consolidated_total_unique_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id}/{self.row_key}: {self.total}"


class MonthsSent(models.Model):
    """Tháng đã gửi báo cáo: the months of a year for which a unit has sent a monthly form, and
    those it sent late, as 12-bit masks (bit m-1 for month m).

    A report is sent once and never goes back to draft, so `submission_submit` only ever adds
    bits, in the same transaction. The dashboards read one row per unit and year here instead of
    twelve reports (1.4 M rows nationally); `months_sent_record` rebuilds it from the reports.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    sent = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("tháng đã gửi báo cáo")
        verbose_name_plural = _("tháng đã gửi báo cáo")
        constraints = [models.UniqueConstraint(fields=["unit", "form", "year"], name="months_sent_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.form_id}/{self.year}: {self.sent:012b}"


# --- consolidation and compliance area: background exports -------------------------------------
# (written by the consolidation/compliance helper; kept apart from the models above)


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    SUCCEEDED = "succeeded", _("Hoàn tất")
    FAILED = "failed", _("Không thành công")


class ExportJobQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A job is seen by the person who started it, and by system administrators."""
        from organizations.scoping import get_scope

        if not user.is_authenticated:
            return self.none()
        if get_scope(user).is_system_admin:
            return self
        return self.filter(user=user)


class ExportJob(models.Model):
    """Lượt xuất tệp: a large export (the national compliance list) written by a worker.

    The page polls the job for its progress, then offers the file; the file is kept in private
    storage (`MEDIA_ROOT/exports/`, random name) and served only to the person who asked.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("người xuất")
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", verbose_name=_("kỳ"))
    kind = models.CharField(_("loại tệp"), max_length=30, default="compliance")
    filters = models.JSONField(_("bộ lọc"), default=dict, blank=True)
    language = models.CharField(max_length=10, default="vi", editable=False)
    status = models.CharField(_("trạng thái"), max_length=20, choices=ExportJobStatus.choices, default=ExportJobStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    processed_rows = models.PositiveIntegerField(_("số dòng đã ghi"), default=0)
    file_path = models.CharField(_("tệp kết quả"), max_length=255, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    started_at = models.DateTimeField(_("thời điểm bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt xuất tệp")
        verbose_name_plural = _("lượt xuất tệp")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.file_name or f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportJobStatus.SUCCEEDED, ExportJobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)
