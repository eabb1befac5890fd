"""The welfare programme: partners, cooperation agreements, offers, outlets, union institutions,
members' usage, outlet inspections and members' complaints."""

from datetime import date, timedelta

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agreements.choices import (
    AgreementScope,
    AgreementStatus,
    ComplaintKind,
    ComplaintStatus,
    DiscountKind,
    InstitutionKind,
    OfferCategory,
    UsageSource,
)
from organizations.models import Province, Unit, Ward
from organizations.scoping import VIEW, ScopedQuerySet, get_scope
from unionportal import audit
from unionportal.documents import private_storage, random_name
from unionportal.text import fold

# Officers are warned about agreements that end within this many days.
ENDING_SOON_DAYS = 30


def folded_tokens(text: str) -> list[str]:
    return fold(text).split()


class ProgrammeQuerySet(ScopedQuerySet):
    """Programme records of TLĐ itself (the root unit) are visible to every officer and reviewer."""

    def visible_to(self, user):
        scope = get_scope(user)
        if scope.is_empty:
            return self.none()
        if scope.is_system_admin:
            # scope.q() is an empty Q for them, and `Q() | Q(...)` keeps only the right side.
            return self.all()
        prefix = f"{self.unit_field}__"
        return self.filter(scope.q(VIEW, prefix) | Q(**{f"{prefix}depth": 1}))


class PartnerQuerySet(ProgrammeQuerySet):
    unit_field = "unit"

    def search(self, text: str):
        return _search(self, text)


class Partner(models.Model):
    """Đối tác: a business that signs a cooperation agreement with a union unit."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="partners", verbose_name=_("đơn vị quản lý")
    )
    name = models.CharField(_("tên đối tác"), max_length=255)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    sector = models.CharField(_("lĩnh vực"), max_length=150, blank=True)
    address = models.CharField(_("địa chỉ trụ sở"), max_length=255, blank=True)
    website = models.URLField(_("trang web"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    contact_name = models.CharField(_("cán bộ đầu mối của đối tác"), max_length=150, blank=True)
    contact_phone = models.CharField(_("điện thoại đầu mối"), max_length=30, blank=True)
    contact_email = models.EmailField(_("email đầu mối"), blank=True)
    search_key = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("đối tác")
        verbose_name_plural = _("đối tác")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "tax_code"],
                condition=~Q(tax_code=""),
                name="partner_unique_tax_code_per_unit",
                violation_error_message=_("Đơn vị đã có đối tác với mã số thuế này."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.name} {self.tax_code} {self.sector}")
        super().save(*args, **kwargs)


class AgreementQuerySet(audit.AuditedQuerySet, ProgrammeQuerySet):
    unit_field = "unit"

    def in_force(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            is_draft=False,
            valid_from__lte=on,
        ).exclude(terminated_on__lte=on)

    def ending_soon(self, on: date | None = None):
        """In force and ending within ENDING_SOON_DAYS: what officers are warned about."""
        return self.ending_within(ENDING_SOON_DAYS, on)

    def ending_within(self, days: int, on: date | None = None):
        on = on or timezone.localdate()
        return self.in_force(on).filter(valid_until__lte=on + timedelta(days=days))


class Agreement(models.Model):
    """Thỏa thuận hợp tác: a cooperation agreement between a union unit and a partner.

    Status is recorded only for draft and terminated; in force and expired follow from the
    dates, so no nightly job has to flip them.
    """

    number = models.CharField(_("số thỏa thuận"), max_length=60)
    title = models.CharField(_("tên thỏa thuận"), max_length=255)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("đơn vị ký")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("đối tác")
    )
    signed_on = models.DateField(_("ngày ký"))
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_until = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    scope = models.CharField(
        _("phạm vi áp dụng"), max_length=20, choices=AgreementScope.choices, default=AgreementScope.SUBTREE
    )
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="agreements", verbose_name=_("các tỉnh, thành phố áp dụng")
    )
    support_amount = models.DecimalField(
        _("kinh phí đối tác hỗ trợ (triệu đồng)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    support_plan = models.TextField(_("kế hoạch sử dụng kinh phí hỗ trợ"), blank=True)
    is_draft = models.BooleanField(_("dự thảo"), default=False)
    terminated_on = models.DateField(_("ngày chấm dứt"), null=True, blank=True)
    termination_reason = models.TextField(_("lý do chấm dứt"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()
    # Lịch sử thay đổi, with the provinces it applies to (unionportal/audit.py).
    history = audit.history(
        excluded_fields=["updated_at"], m2m_fields=[provinces], verbose_name=_("lịch sử thay đổi thỏa thuận"),
        verbose_name_plural=_("lịch sử thay đổi thỏa thuận"),
    )

    class Meta:
        ordering = ["-signed_on", "number"]
        verbose_name = _("thỏa thuận hợp tác")
        verbose_name_plural = _("thỏa thuận hợp tác")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_until_after_valid_from",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            )
        ]
        indexes = [models.Index(fields=["unit", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def status(self, on: date | None = None) -> str:
        on = on or timezone.localdate()
        if self.is_draft:
            return AgreementStatus.DRAFT
        if self.terminated_on and self.terminated_on <= on:
            return AgreementStatus.TERMINATED
        if on < self.valid_from:
            return AgreementStatus.NOT_YET
        if self.valid_until and on > self.valid_until:
            return AgreementStatus.EXPIRED
        return AgreementStatus.IN_FORCE

    def get_status_display(self) -> str:
        return AgreementStatus(self.status()).label

    def is_in_force(self, on: date | None = None) -> bool:
        return self.status(on) == AgreementStatus.IN_FORCE


class AgreementDocumentQuerySet(ScopedQuerySet):
    unit_field = "agreement__unit"


def document_upload_to(instance: "AgreementDocument", filename: str) -> str:
    return random_name("agreements")


class AgreementDocument(models.Model):
    """Văn bản thỏa thuận: a scanned agreement (PDF, JPEG or PNG), served only inside the scope."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("thỏa thuận")
    )
    file = models.FileField(_("tệp"), upload_to=document_upload_to, storage=private_storage)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=50)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("người tải lên")
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    objects = AgreementDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("văn bản thỏa thuận")
        verbose_name_plural = _("văn bản thỏa thuận")

    def __str__(self) -> str:
        return self.original_name


class EqualsAny(models.Func):
    """`column = ANY(%s::<type>[])` (PostgreSQL): one array literal parameter, however many values."""

    template = "%(expressions)s::%(db_type)s[])"
    arg_joiner = " = ANY("
    output_field = models.BooleanField()


class OfferQuerySet(ProgrammeQuerySet):
    unit_field = "agreement__unit"

    def in_force(self, on: date | None = None):
        """Offers members may use on `on`: the agreement and the offer are both valid that day."""
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            agreement__in=Agreement.objects.in_force(on),
        )

    def covering(self, *, province: Province | None = None, unit: Unit | None = None):
        """Offers whose agreement's scope reaches a member of `unit` or someone in `province`.

        On PostgreSQL the agreements that reach are looked up here, in one query, and the offers
        are filtered on that constant list of ids. The planner then narrows the offers with the
        trigram and category indexes and checks each against a hashed array; given the same
        condition as a join to the agreement and its unit, it joins every offer the search
        matched, because it underestimates how many a multi-word search matches (measured with
        50,000 offers: "khach san" + a province + a category, 14 ms → 7 ms per query).
        """
        reach = Q(scope=AgreementScope.NATIONWIDE)
        # The signing units through a subquery on their indexes, never a join of every agreement
        # to its unit: on the national tree (130,755 units) that join hashed the whole unit table,
        # 150–240 ms a search; the subquery takes ~1 ms (`make bench`, catalogue_api).
        if province is not None:
            listed = Agreement.provinces.through.objects.filter(province=province).values("agreement_id")
            reach |= Q(scope=AgreementScope.PROVINCES, pk__in=listed)
            reach |= Q(scope=AgreementScope.SUBTREE, unit__in=Unit.objects.filter(province=province).values("pk"))
        if unit is not None:
            members_units = Unit.objects.filter(path__in=[*unit.ancestor_paths(), unit.path]).values("pk")
            reach |= Q(scope=AgreementScope.SUBTREE, unit__in=members_units)
        reaching = Agreement.objects.using(self.db).filter(reach).order_by()
        connection = connections[self.db]
        if connection.vendor != "postgresql":
            return self.filter(agreement__in=reaching)
        # One text literal ('{1,2,3}') rather than a list: psycopg2 would send ARRAY[1,2,3], whose
        # thousand constants cost the planner ~2 ms more to read.
        ids = ",".join(str(pk) for pk in reaching.values_list("pk", flat=True))
        db_type = Agreement._meta.pk.rel_db_type(connection)
        return self.filter(EqualsAny(models.F("agreement_id"), models.Value(f"{{{ids}}}"), db_type=db_type))

    def search(self, text: str):
        return _search(self, text)

    def order_by_discount(self):
        return self.order_by(models.F("discount_percent").desc(nulls_last=True), models.F("discount_amount").desc(nulls_last=True), "-id")


class Offer(models.Model):
    """Ưu đãi: a discount or special price a partner grants members under an agreement."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="offers", verbose_name=_("thỏa thuận")
    )
    title = models.CharField(_("tên ưu đãi"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    category = models.CharField(_("nhóm"), max_length=30, choices=OfferCategory.choices, default=OfferCategory.OTHER)
    discount_kind = models.CharField(
        _("hình thức ưu đãi"), max_length=20, choices=DiscountKind.choices, default=DiscountKind.PERCENT
    )
    discount_percent = models.DecimalField(_("mức giảm (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    discount_amount = models.DecimalField(_("số tiền giảm (đồng)"), max_digits=14, decimal_places=0, null=True, blank=True)
    special_price = models.CharField(_("giá ưu đãi"), max_length=150, blank=True)
    conditions = models.TextField(_("điều kiện áp dụng"), blank=True, help_text=_("Ví dụ: xuất trình thẻ đoàn viên."))
    for_members = models.BooleanField(_("áp dụng cho đoàn viên"), default=True)
    for_families = models.BooleanField(_("áp dụng cho gia đình đoàn viên"), default=False)
    for_kitchens = models.BooleanField(_("áp dụng cho bếp ăn tập thể"), default=False)
    valid_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    valid_until = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    search_key = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(_("ngày đăng"), auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ưu đãi")
        verbose_name_plural = _("ưu đãi")
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True) | Q(discount_percent__gte=0, discount_percent__lte=100),
                name="offer_percent_between_0_and_100",
                violation_error_message=_("Mức giảm phải từ 0 đến 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(discount_amount__isnull=True) | Q(discount_amount__gte=0),
                name="offer_amount_not_negative",
                violation_error_message=_("Số tiền giảm không được âm."),
            ),
        ]
        indexes = [models.Index(fields=["category", "valid_until"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_key = self.build_search_key()
        super().save(*args, **kwargs)

    def build_search_key(self, partner_name: str | None = None) -> str:
        partner_name = partner_name if partner_name is not None else self.agreement.partner.name
        with translation.override("vi"):  # the key must not depend on the language of the request
            category = str(self.get_category_display())
        return fold(f"{self.title} {partner_name} {self.description} {category}")[:600]

    def discount_label(self) -> str:
        if self.discount_kind == DiscountKind.PERCENT and self.discount_percent is not None:
            return f"-{self.discount_percent.normalize():f}%".replace(".", ",")
        if self.discount_kind == DiscountKind.AMOUNT and self.discount_amount is not None:
            return f"-{int(self.discount_amount):,} đ".replace(",", ".")
        return self.special_price


class OutletQuerySet(ProgrammeQuerySet):
    unit_field = "partner__unit"

    def province_first(self, province: Province | None):
        if province is None:
            return self.order_by("province__name", "name")
        return self.annotate(
            in_province=Case(When(province=province, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("in_province", "province__name", "name")

    def with_last_inspection(self):
        last = OutletInspection.objects.filter(outlet=OuterRef("pk")).order_by("-inspected_on", "-id")
        return self.annotate(
            last_inspected_on=Subquery(last.values("inspected_on")[:1]),
            last_inspection_honoured=Subquery(last.values("discount_honoured")[:1]),
            last_inspection_sign=Subquery(last.values("sign_displayed")[:1]),
        )

    def search(self, text: str):
        return _search(self, text)


class Outlet(models.Model):
    """Điểm bán: a partner's shop or service point where members get the discount."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="outlets", verbose_name=_("đối tác"))
    name = models.CharField(_("tên điểm bán"), max_length=255)
    address = models.CharField(_("địa chỉ"), max_length=255)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="outlets", verbose_name=_("tỉnh/thành phố"))
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="outlets", verbose_name=_("phường/xã")
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    displays_sign = models.BooleanField(_("có biển niêm yết ưu đãi"), default=False)
    sign_checked_on = models.DateField(_("ngày kiểm tra biển niêm yết"), null=True, blank=True)
    search_key = models.CharField(max_length=600, editable=False, default="")

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("điểm bán")
        verbose_name_plural = _("điểm bán")
        indexes = [models.Index(fields=["partner", "province"]), models.Index(fields=["province", "partner"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.name} {self.address}")[:600]
        super().save(*args, **kwargs)


class OutletInspectionQuerySet(ScopedQuerySet):
    unit_field = "unit"


class OutletInspection(models.Model):
    """Kiểm tra điểm bán: an officer's visit checking the sign and that the discount is honoured."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("điểm bán"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị kiểm tra"))
    inspected_on = models.DateField(_("ngày kiểm tra"))
    sign_displayed = models.BooleanField(_("có niêm yết biển ưu đãi"))
    discount_honoured = models.BooleanField(_("có áp dụng ưu đãi"))
    notes = models.TextField(_("ghi chú"), blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("người kiểm tra")
    )

    objects = OutletInspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("lần kiểm tra điểm bán")
        verbose_name_plural = _("kiểm tra điểm bán")

    def __str__(self) -> str:
        return f"{self.outlet} — {self.inspected_on:%d/%m/%Y}"


class InstitutionQuerySet(ProgrammeQuerySet):
    unit_field = "unit"

    def search(self, text: str):
        return _search(self, text)


class Institution(models.Model):
    """Thiết chế công đoàn: a union-owned hotel, kindergarten, housing, cultural house, school, …"""

    kind = models.CharField(_("loại thiết chế"), max_length=30, choices=InstitutionKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("đơn vị sở hữu"))
    name = models.CharField(_("tên thiết chế"), max_length=255)
    address = models.CharField(_("địa chỉ"), max_length=255)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("tỉnh/thành phố")
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="institutions", verbose_name=_("phường/xã")
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    services = models.TextField(_("dịch vụ"), blank=True)
    member_prices = models.TextField(_("giá dành cho đoàn viên"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    search_key = models.CharField(max_length=600, editable=False, default="")

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("thiết chế công đoàn")
        verbose_name_plural = _("thiết chế công đoàn")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        with translation.override("vi"):
            kind = str(self.get_kind_display())
        self.search_key = fold(f"{self.name} {kind} {self.address} {self.services}")[:600]
        super().save(*args, **kwargs)


class BenefitUsageQuerySet(ScopedQuerySet):
    unit_field = "unit"

    def for_month(self, month: date):
        return self.filter(month=month.replace(day=1))


class BenefitUsage(models.Model):
    """Lượt sử dụng: members of a unit who used a partner's products or a union institution in a month."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="benefit_usages", verbose_name=_("đơn vị"))
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng."))
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="usages", verbose_name=_("đối tác")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="usages", verbose_name=_("thiết chế")
    )
    members_count = models.PositiveIntegerField(_("số lượt đoàn viên sử dụng"))
    value_million = models.DecimalField(
        _("giá trị (triệu đồng)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    source = models.CharField(_("nguồn số liệu"), max_length=10, choices=UsageSource.choices, default=UsageSource.MANUAL)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = BenefitUsageQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "unit"]
        verbose_name = _("lượt sử dụng ưu đãi")
        verbose_name_plural = _("lượt sử dụng ưu đãi")
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False, institution__isnull=True)
                | Q(partner__isnull=True, institution__isnull=False),
                name="usage_partner_or_institution",
                violation_error_message=_("Chọn một đối tác hoặc một thiết chế công đoàn."),
            ),
            models.UniqueConstraint(
                fields=["unit", "month", "partner"],
                condition=Q(partner__isnull=False),
                name="usage_unique_partner_month",
                violation_error_message=_("Đơn vị đã nhập số liệu của đối tác này cho tháng này."),
            ),
            models.UniqueConstraint(
                fields=["unit", "month", "institution"],
                condition=Q(institution__isnull=False),
                name="usage_unique_institution_month",
                violation_error_message=_("Đơn vị đã nhập số liệu của thiết chế này cho tháng này."),
            ),
            models.CheckConstraint(
                condition=Q(value_million__isnull=True) | Q(value_million__gte=0),
                name="usage_value_not_negative",
                violation_error_message=_("Giá trị không được âm."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.month:%m/%Y}"


class ComplaintQuerySet(ScopedQuerySet):
    unit_field = "offer__agreement__unit"

    def open(self):
        return self.exclude(status=ComplaintStatus.CLOSED)

    def by(self, user):
        return self.filter(reporter=user)


class OutletComplaint(models.Model):
    """Phản ánh của đoàn viên: an outlet refused the discount or did not display the sign.

    It reaches the officers of the unit that signed the agreement.
    """

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="complaints", verbose_name=_("ưu đãi"))
    outlet = models.ForeignKey(
        Outlet, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints", verbose_name=_("điểm bán")
    )
    kind = models.CharField(_("nội dung phản ánh"), max_length=20, choices=ComplaintKind.choices)
    message = models.TextField(_("mô tả"), blank=True)
    happened_on = models.DateField(_("ngày xảy ra"), null=True, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="outlet_complaints", verbose_name=_("người phản ánh")
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    response = models.TextField(_("kết quả xử lý"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cán bộ xử lý")
    )
    created_at = models.DateTimeField(_("thời điểm phản ánh"), auto_now_add=True)
    closed_at = models.DateTimeField(_("thời điểm đóng"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phản ánh điểm bán")
        verbose_name_plural = _("phản ánh điểm bán")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.offer}"


class SearchSynonym(models.Model):
    """Từ đồng nghĩa: a short form members type ("ks") and what it stands for ("khách sạn")."""

    term = models.CharField(_("từ viết tắt"), max_length=50, unique=True)
    expansion = models.CharField(_("nghĩa đầy đủ"), max_length=150)

    class Meta:
        ordering = ["term"]
        verbose_name = _("từ đồng nghĩa khi tìm kiếm")
        verbose_name_plural = _("từ đồng nghĩa khi tìm kiếm")

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"

    def save(self, *args, **kwargs):
        self.term, self.expansion = fold(self.term), fold(self.expansion)
        super().save(*args, **kwargs)


def _search(queryset, text: str):
    """Every folded word must appear in the search key; a synonym may stand for its expansion.

    `contains` on the folded key is what the trigram GIN index serves on PostgreSQL.
    """
    tokens = folded_tokens(text)
    if not tokens:
        return queryset
    expansions = dict(SearchSynonym.objects.filter(term__in=tokens).values_list("term", "expansion"))
    for token in tokens:
        clause = Q(search_key__contains=token)
        if token in expansions:
            clause |= Q(search_key__contains=expansions[token])
        queryset = queryset.filter(clause)
    return queryset


# --- imports: background import jobs (owned by the import/export area) -------------------------


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    SUCCEEDED = "succeeded", _("Hoàn tất")
    FAILED = "failed", _("Không thành công")


class ImportJobQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A job is seen by the person who started it, and by system administrators."""
        if not user.is_authenticated:
            return self.none()
        if get_scope(user).is_system_admin:
            return self
        return self.filter(user=user)


class ImportJob(models.Model):
    """Lượt nhập tệp: one check (dry run) or one write of an uploaded spreadsheet, run by a worker.

    Large files are imported in the background so the officer can leave the page and come back;
    the job keeps the progress and the result (counts and the first rows in error).
    """

    ERRORS_KEPT = 500

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("người nhập")
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị nhập"))
    resource = models.CharField(_("loại dữ liệu"), max_length=30)
    file_path = models.CharField(_("tệp đã tải lên"), max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    language = models.CharField(max_length=10, default="vi", editable=False)
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    writing = models.BooleanField(_("đang ghi"), default=False)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    processed_rows = models.PositiveIntegerField(_("số dòng đã xử lý"), default=0)
    new_count = models.PositiveIntegerField(_("số bản ghi mới"), default=0)
    updated_count = models.PositiveIntegerField(_("số bản ghi cập nhật"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    error_row_count = models.PositiveIntegerField(_("số dòng có lỗi"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    applied = models.BooleanField(_("đã ghi"), default=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    started_at = models.DateTimeField(_("thời điểm bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt nhập tệp")
        verbose_name_plural = _("lượt nhập tệp")
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            # A checked file is written once, however many times "confirm" is pressed.
            models.UniqueConstraint(
                fields=["file_path"], condition=Q(dry_run=False), name="import_job_one_write_per_file",
                violation_error_message=_("Tệp này đã được xác nhận nhập."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} — {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


# --- end imports ---------------------------------------------------------------------------------
