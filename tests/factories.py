"""factory_boy factories shared by the whole suite."""

import factory
from django.contrib.auth.hashers import make_password

from organizations.choices import Role, UnitKindCode
from organizations.models import Department, Province, RoleAssignment, Unit, UnitKind, User

TEST_PASSWORD = "mat-khau-thu-nghiem-2026"
# Hashing once keeps factories fast; every factory user logs in with TEST_PASSWORD.
_HASHED_TEST_PASSWORD = make_password(TEST_PASSWORD)


def unit_kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit; pass `parent=` to place it under another unit, otherwise it is a root."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Công đoàn thử nghiệm số {n}")
    kind = factory.LazyFunction(lambda: unit_kind(UnitKindCode.GRASSROOTS))
    province = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.objects.add_root(create_kwargs=kwargs)
        return model_class.objects.add_child(parent, create_kwargs=kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = _HASHED_TEST_PASSWORD


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.OFFICER


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    unit = factory.SubFactory(UnitFactory)
    kind = "tuyen_giao"
    name = "Ban Tuyên giáo"


def user_with_role(unit: Unit, role: str = Role.OFFICER, **user_fields) -> User:
    user = UserFactory(**user_fields)
    RoleAssignmentFactory(user=user, unit=unit, role=role)
    return user


def province(code: int = 91) -> Province:
    return Province.objects.get(code=code)


# --- agreements --------------------------------------------------------------------------------


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Partner"

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Công ty Cổ phần Đối tác {n}")
    tax_code = factory.Sequence(lambda n: f"{1800000000 + n}")
    sector = "Bán lẻ"
    contact_name = "Nguyễn Thị Liên Hệ"
    contact_phone = "0901234567"
    contact_email = factory.Sequence(lambda n: f"lienhe{n}@doitac.vn")


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement in force today, signed by the partner's unit unless told otherwise."""

    class Meta:
        model = "agreements.Agreement"
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    unit = factory.LazyAttribute(lambda a: a.partner.unit)
    number = factory.Sequence(lambda n: f"{n:02d}/TTHT")
    title = factory.Sequence(lambda n: f"Thỏa thuận hợp tác chăm lo đoàn viên số {n}")
    signed_on = factory.LazyFunction(lambda: _today() - _days(40))
    valid_from = factory.LazyFunction(lambda: _today() - _days(30))
    valid_until = factory.LazyFunction(lambda: _today() + _days(335))
    scope = "subtree"

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        if create and extracted:
            self.provinces.set(extracted)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Offer"

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Giảm giá cho đoàn viên {n}")
    description = "Ưu đãi dành cho đoàn viên công đoàn khi xuất trình thẻ."
    category = "consumer_goods"
    discount_kind = "percent"
    discount_percent = 10
    conditions = "Xuất trình thẻ đoàn viên công đoàn."


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Outlet"

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Cửa hàng số {n}")
    address = factory.Sequence(lambda n: f"{n} Trần Hưng Đạo")
    province = factory.LazyFunction(lambda: province(91))
    displays_sign = True


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Institution"

    kind = "union_hotel"
    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Khách sạn Công đoàn số {n}")
    address = "1 Tôn Đức Thắng"
    province = factory.LazyFunction(lambda: province(91))
    services = "Phòng nghỉ, hội trường"
    member_prices = "Giảm 20% giá phòng cho đoàn viên"


class BenefitUsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.BenefitUsage"

    unit = factory.SubFactory(UnitFactory)
    month = factory.LazyFunction(lambda: _today().replace(day=1))
    partner = factory.SubFactory(PartnerFactory, unit=factory.SelfAttribute("..unit"))
    members_count = 120
    value_million = 35


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _days(n):
    from datetime import timedelta

    return timedelta(days=n)


# --- campaigns ---------------------------------------------------------------------------------


class CampaignFactory(factory.django.DjangoModelFactory):
    """A propaganda plan of a unit (no phase; add PhaseFactory(campaign=...) for one)."""

    class Meta:
        model = "campaigns.Campaign"

    title = factory.Sequence(lambda n: f"Kế hoạch tuyên truyền số {n}")
    unit = factory.SubFactory(UnitFactory)
    themes = factory.LazyFunction(lambda: ["member_benefits"])
    document_number = factory.Sequence(lambda n: f"{n}/KH-CĐ")
    issued_on = factory.LazyFunction(lambda: _today())


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Phase"

    campaign = factory.SubFactory(CampaignFactory)
    name = "Giai đoạn 1"
    starts_on = factory.LazyFunction(lambda: _today() - _days(30))
    ends_on = factory.LazyFunction(lambda: _today() + _days(300))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Milestone"

    campaign = factory.SubFactory(CampaignFactory)
    title = "Mở chuyên mục"
    due_on = factory.LazyFunction(lambda: _today() + _days(20))
    binds_subtree = True


class MediaOutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.MediaOutlet"

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Trang tin công đoàn {n}")
    kind = "website"
    url = factory.Sequence(lambda n: f"https://congdoan{n}.example.vn/")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Section"

    outlet = factory.SubFactory(MediaOutletFactory)
    name = "Công đoàn vì lợi ích đoàn viên"
    theme = "member_benefits"
    opened_on = factory.LazyFunction(lambda: _today().replace(month=1, day=1))
    weekly_quota = 2


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Article"

    section = factory.SubFactory(SectionFactory)
    title = factory.Sequence(lambda n: f"Bài viết số {n}")
    url = factory.Sequence(lambda n: f"https://congdoan.example.vn/bai-{n}")
    published_on = factory.LazyFunction(lambda: _today())


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Activity"

    unit = factory.SubFactory(UnitFactory)
    kind = "launch_conference"
    title = factory.Sequence(lambda n: f"Hội nghị triển khai số {n}")
    held_on = factory.LazyFunction(lambda: _today())
    participants = 120
