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
