"""The small tree most tests stand on, with named actors.

TLĐ
├── LĐLĐ An Giang (province A)
│   ├── LĐLĐ huyện Châu Thành (intermediate)
│   │   └── CĐCS Công ty A (grassroots)
│   └── CĐCS Bệnh viện An Giang
└── LĐLĐ Hà Nội (province B)
    └── CĐCS Công ty B
"""

from types import SimpleNamespace

import pytest

from organizations.choices import Role, UnitKindCode
from organizations.reference_data import ensure_reference_data
from tests.factories import UnitFactory, UserFactory, province, unit_kind, user_with_role


@pytest.fixture
def tree(db):
    ensure_reference_data()
    tld = UnitFactory(code="TLD", name="Tổng Liên đoàn Lao động Việt Nam", kind=unit_kind(UnitKindCode.CONFEDERATION))
    an_giang = UnitFactory(
        parent=tld, code="AG", name="Liên đoàn Lao động tỉnh An Giang",
        kind=unit_kind(UnitKindCode.PROVINCIAL), province=province(91),
    )
    chau_thanh = UnitFactory(
        parent=an_giang, code="AG-CT", name="Liên đoàn Lao động huyện Châu Thành",
        kind=unit_kind(UnitKindCode.INTERMEDIATE), province=province(91),
    )
    company_a = UnitFactory(parent=chau_thanh, code="AG-CT-A", name="Công đoàn cơ sở Công ty A", province=province(91))
    hospital = UnitFactory(parent=an_giang, code="AG-BV", name="Công đoàn Bệnh viện An Giang", province=province(91))
    ha_noi = UnitFactory(
        parent=tld, code="HN", name="Liên đoàn Lao động Thành phố Hà Nội",
        kind=unit_kind(UnitKindCode.PROVINCIAL), province=province(1),
    )
    company_b = UnitFactory(parent=ha_noi, code="HN-B", name="Công đoàn cơ sở Công ty B", province=province(1))
    return SimpleNamespace(
        tld=tld, an_giang=an_giang, chau_thanh=chau_thanh, company_a=company_a,
        hospital=hospital, ha_noi=ha_noi, company_b=company_b,
    )


@pytest.fixture
def actors(tree):
    """Named people: an officer of A, the reviewer above A, an officer of B, and others."""
    return SimpleNamespace(
        officer_a=user_with_role(tree.company_a, Role.OFFICER, username="can_bo_a", full_name="Trần Thị An"),
        reviewer_an_giang=user_with_role(
            tree.an_giang, Role.REVIEWER, username="duyet_ag", full_name="Lê Văn Bình"
        ),
        officer_b=user_with_role(tree.company_b, Role.OFFICER, username="can_bo_b", full_name="Phạm Minh Châu"),
        admin_an_giang=user_with_role(
            tree.an_giang, Role.UNIT_ADMIN, username="quan_tri_ag", full_name="Võ Thị Dung"
        ),
        system_admin=user_with_role(tree.tld, Role.SYSTEM_ADMIN, username="quan_tri_ht", full_name="Đỗ Văn Em"),
        member=UserFactory(
            username="doan_vien", full_name="Ngô Thị Phương", member_card_number="079123456789",
            member_unit=tree.company_a,
        ),
    )


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks run in-process in tests, even when REDIS_URL is set (as in CI).

    Tests marked `celery_worker` go through a real worker on Redis instead.
    """
    from unionportal.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def catalogue_cache(monkeypatch):
    """Each test starts with an empty cache of the catalogue's partner choices.

    The shared cache (Redis in CI) outlives a test, and a list cached by one test would be
    served to the next; clearing Redis would also empty Celery's queues.
    """
    from django.core.cache.backends.locmem import LocMemCache

    cache = LocMemCache("tests-catalogue", {})
    cache.clear()
    monkeypatch.setattr("agreements.selectors.cache", cache)
    return cache


@pytest.fixture(autouse=True)
def throttle_cache(monkeypatch):
    """Each test starts with fresh API throttle counters.

    The counters live in the shared cache (Redis in CI), keyed by client address, and every test
    client calls from 127.0.0.1: without this, one test's requests would throttle the next's.
    """
    from django.core.cache.backends.locmem import LocMemCache
    from rest_framework.throttling import SimpleRateThrottle

    cache = LocMemCache("tests-throttle", {})
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "cache", cache)
    return cache
