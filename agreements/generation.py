"""National-scale catalogue data for measuring: partners, agreements, offers and outlets.

`generate_catalogue(partners=5000, offers=50000, outlets=200000, seed=1)` writes them with
`bulk_create` in batches. The same arguments give the same rows (a seeded generator; dates are
relative to today). Names and descriptions are built from Vietnamese words the way real ones
are, so trigram search meets realistic selectivity: "khách sạn" is in roughly one offer in ten
(the travel category's label says it), a partner's brand in a handful.

Search keys are written exactly as the models' `save()` writes them (`Offer.build_search_key`,
`fold(...)` for partners and outlets), since `bulk_create` does not call `save()`.

It needs a unit tree. With none, it creates a small one (TLĐ, the 34 provincial federations,
two intermediate and five grassroots unions under each); with one (the demo tree, or the
national tree of `make bench`), it spreads partners over the units that exist.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone, translation

from agreements.choices import AgreementScope, DiscountKind, OfferCategory
from agreements.models import Agreement, Offer, Outlet, Partner
from organizations.choices import UnitKindCode
from organizations.models import Province, Unit, UnitKind, Ward
from organizations.reference_data import ensure_reference_data
from unionportal import audit
from unionportal.text import fold

BRANDS = [
    "Minh Phát", "Hòa Bình", "Thành Công", "Phú Quý", "Tâm An", "Sông Hồng", "Cửu Long", "Hồng Phúc", "Đại Nam",
    "An Khang", "Phúc Lộc", "Thịnh Vượng", "Bình Minh", "Hưng Thịnh", "Kim Ngân", "Ngọc Lan", "Hoàng Gia",
    "Việt Tiến", "Trường Sơn", "Mê Kông", "Tây Đô", "Nam Việt", "Bắc Hà", "Thăng Long", "Hải Âu", "Hoa Sen",
    "Sao Mai", "Đông Á", "Tân Tiến", "Phương Nam", "Hồng Hà", "Thiên Phú", "Lộc Phát", "Vạn Xuân", "Kim Long",
    "Ánh Dương", "Bảo Châu", "Hương Giang", "Đức Thành", "Quang Minh", "Thuận Phát", "Gia Huy", "Tín Nghĩa",
    "Mai Linh", "Hải Đăng", "Trúc Xanh", "Hoàn Cầu", "Nhật Quang", "Thái Sơn", "Vĩnh Hưng",
]
STREETS = [
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Nguyễn Trãi", "Quang Trung",
    "Hùng Vương", "Võ Thị Sáu", "Điện Biên Phủ", "Phan Chu Trinh", "Lê Duẩn", "Nguyễn Văn Linh", "Tôn Đức Thắng",
    "Trần Phú", "Lý Thái Tổ", "Nguyễn Thái Học", "Hà Hoàng Hổ", "Cách Mạng Tháng Tám", "Phạm Văn Đồng",
]


@dataclass(frozen=True)
class Sector:
    """A line of business: how its partners are named and what their offers say."""

    category: str
    label: str
    partner_names: tuple[str, ...]
    outlet_kind: str
    offers: tuple[str, ...]
    descriptions: tuple[str, ...]


SECTORS: tuple[Sector, ...] = (
    Sector(
        OfferCategory.FOOD, "Lương thực, thực phẩm",
        ("Công ty Cổ phần Lương thực {brand}", "Công ty TNHH Thực phẩm sạch {brand}", "Hợp tác xã Nông sản {brand}"),
        "Cửa hàng thực phẩm",
        ("Giảm {p}% gạo thơm {brand} cho đoàn viên", "Thực phẩm sạch {brand} giá ưu đãi cho bếp ăn tập thể",
         "Giảm {p}% rau củ quả an toàn"),
        ("Gạo, thịt, cá, rau củ đạt chuẩn VietGAP, giao tận nơi cho công đoàn cơ sở.",
         "Cung ứng thực phẩm cho bếp ăn ca của doanh nghiệp với giá bán buôn."),
    ),
    Sector(
        OfferCategory.CONSUMER_GOODS, "Bán lẻ",
        ("Siêu thị {brand}", "Công ty Cổ phần Thương mại {brand}", "Chuỗi cửa hàng tiện lợi {brand}"),
        "Siêu thị",
        ("Giảm {p}% hóa đơn mua sắm tại siêu thị {brand}", "Giảm {p}% hàng tiêu dùng thiết yếu",
         "Phiếu mua hàng ưu đãi cho đoàn viên tại {brand}"),
        ("Áp dụng cho hàng tiêu dùng, hóa mỹ phẩm, đồ dùng gia đình.",
         "Không cộng dồn với chương trình khuyến mãi khác của siêu thị."),
    ),
    Sector(
        OfferCategory.APPLIANCES, "Điện máy",
        ("Công ty TNHH Điện máy {brand}", "Trung tâm Điện máy {brand}"),
        "Cửa hàng điện máy",
        ("Giảm {p}% tủ lạnh, máy giặt, máy lạnh", "Trả góp 0% lãi suất điện máy {brand} cho đoàn viên"),
        ("Giao hàng, lắp đặt miễn phí trong tỉnh; bảo hành chính hãng.",
         "Trả góp qua công đoàn cơ sở, không cần chứng minh thu nhập."),
    ),
    Sector(
        OfferCategory.LEISURE, "Vui chơi, giải trí",
        ("Khu du lịch sinh thái {brand}", "Rạp chiếu phim {brand}", "Công viên nước {brand}"),
        "Điểm vui chơi",
        ("Giảm {p}% vé vào cổng khu vui chơi {brand}", "Giảm {p}% vé xem phim cuối tuần"),
        ("Áp dụng cho đoàn viên và người thân đi cùng, tối đa 4 vé mỗi lần.",
         "Ưu đãi cho công đoàn cơ sở tổ chức tham quan theo đoàn."),
    ),
    Sector(
        OfferCategory.TELECOM, "Viễn thông",
        ("Công ty Viễn thông {brand}", "Trung tâm Kinh doanh Viễn thông {brand}"),
        "Điểm giao dịch viễn thông",
        ("Giảm {p}% cước Internet cáp quang", "Gói cước di động ưu đãi cho đoàn viên"),
        ("Áp dụng khi lắp mới hoặc gia hạn, trả trước 6 hoặc 12 tháng.",
         "Đăng ký tại điểm giao dịch, xuất trình thẻ đoàn viên."),
    ),
    Sector(
        OfferCategory.BANKING, "Ngân hàng",
        ("Ngân hàng TMCP {brand}", "Quỹ tín dụng nhân dân {brand}"),
        "Phòng giao dịch",
        ("Vay tiêu dùng lãi suất ưu đãi cho đoàn viên", "Miễn phí chuyển khoản và phí thường niên thẻ"),
        ("Khoản vay đến 300 triệu đồng, không cần tài sản bảo đảm.",
         "Công đoàn cơ sở xác nhận đoàn viên đang làm việc tại đơn vị."),
    ),
    Sector(
        OfferCategory.HEALTH, "Y tế",
        ("Nhà thuốc {brand}", "Phòng khám Đa khoa {brand}", "Bệnh viện Đa khoa {brand}"),
        "Cơ sở y tế",
        ("Giảm {p}% phí khám sức khỏe định kỳ", "Giảm {p}% thuốc và thiết bị y tế"),
        ("Khám tổng quát, xét nghiệm, tầm soát bệnh nghề nghiệp cho người lao động.",
         "Áp dụng cho đoàn viên và bố mẹ, vợ hoặc chồng, con của đoàn viên."),
    ),
    Sector(
        OfferCategory.EDUCATION, "Giáo dục",
        ("Trung tâm Ngoại ngữ {brand}", "Trường Mầm non {brand}", "Trung tâm Tin học {brand}"),
        "Cơ sở đào tạo",
        ("Giảm {p}% học phí khóa tiếng Anh giao tiếp", "Giảm {p}% học phí cho con đoàn viên"),
        ("Lớp buổi tối và cuối tuần, phù hợp công nhân làm ca.",
         "Giảm thêm cho đoàn viên có hoàn cảnh khó khăn do công đoàn giới thiệu."),
    ),
    Sector(
        OfferCategory.TRAVEL, "Du lịch, khách sạn",
        ("Khách sạn {brand}", "Công ty Du lịch {brand}", "Khu nghỉ dưỡng {brand}"),
        "Khách sạn",
        ("Giảm {p}% giá phòng khách sạn {brand}", "Tour du lịch biển giảm {p}% cho đoàn viên",
         "Giảm {p}% tiệc cưới, hội nghị tại khách sạn {brand}"),
        ("Áp dụng ngày thường, không áp dụng dịp lễ, Tết; đặt trước 3 ngày.",
         "Phòng đôi, phòng gia đình; miễn phí bữa sáng cho trẻ em dưới 6 tuổi."),
    ),
    Sector(
        OfferCategory.HOUSING, "Nhà ở",
        ("Công ty Cổ phần Đầu tư Nhà ở {brand}", "Công ty Bất động sản {brand}"),
        "Sàn giao dịch",
        ("Nhà ở xã hội {brand} ưu đãi cho công nhân", "Giảm {p}% giá thuê phòng trọ công nhân"),
        ("Ưu tiên đoàn viên chưa có nhà ở, có xác nhận của công đoàn cơ sở.",
         "Thanh toán theo tiến độ, hỗ trợ vay từ ngân hàng đối tác."),
    ),
)

# How agreements stand today: (weight, signed, valid from, valid until (None = open), is_draft).
VALIDITY = (
    (75, -300, -290, 400, False),   # in force
    (5, -340, -335, 20, False),     # ending within 30 days
    (10, -800, -760, -30, False),   # expired
    (5, -20, -10, 700, True),       # draft
    (5, -10, 40, 760, False),       # not yet in force
)


@dataclass
class CatalogueCounts:
    units_created: int = 0
    partners: int = 0
    agreements: int = 0
    agreement_provinces: int = 0
    offers: int = 0
    outlets: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Place:
    """A unit partners can belong to, with the province its partners trade in."""

    unit_id: int
    province: int | None
    depth: int


def generate_catalogue(
    *,
    partners: int,
    offers: int,
    outlets: int,
    seed: int = 1,
    batch_size: int = 5000,
    log: Callable[[str], None] | None = None,
) -> CatalogueCounts:
    """Write `partners` partners (1–3 agreements each), `offers` offers and `outlets` outlets, all or nothing."""
    log = log or (lambda message: None)
    rng = random.Random(seed)
    counts = CatalogueCounts()
    today = timezone.localdate()
    # Offer search keys fold the category's label: always the Vietnamese one.
    with translation.override("vi"), transaction.atomic():
        started = time.monotonic()
        counts.units_created = ensure_tree()
        places = _places(rng)
        provinces = list(Province.objects.order_by("code").values_list("code", flat=True))
        wards: dict[int, list[tuple[int, str]]] = {}
        for code, name, province in Ward.objects.order_by("code").values_list("code", "name", "province_id"):
            wards.setdefault(province, []).append((code, name))
        counts.timings["tree"] = time.monotonic() - started
        log(f"Cây đơn vị: {sum(map(len, places.values()))} đơn vị có thể ký ({counts.units_created} đơn vị mới tạo).")

        started = time.monotonic()
        partner_rows = _partners(rng, partners, places, batch_size)
        counts.partners = len(partner_rows)
        counts.timings["partners"] = time.monotonic() - started
        log(f"{counts.partners} đối tác ({counts.timings['partners']:.1f} s).")

        started = time.monotonic()
        agreements_rows = _agreements(rng, partner_rows, provinces, today, batch_size, counts)
        counts.timings["agreements"] = time.monotonic() - started
        log(f"{counts.agreements} thỏa thuận, {counts.agreement_provinces} tỉnh áp dụng ({counts.timings['agreements']:.1f} s).")

        started = time.monotonic()
        counts.offers = _offers(rng, offers, agreements_rows, today, batch_size)
        counts.timings["offers"] = time.monotonic() - started
        log(f"{counts.offers} ưu đãi ({counts.timings['offers']:.1f} s).")

        started = time.monotonic()
        counts.outlets = _outlets(rng, outlets, partner_rows, provinces, wards, batch_size)
        counts.timings["outlets"] = time.monotonic() - started
        log(f"{counts.outlets} điểm bán ({counts.timings['outlets']:.1f} s).")
    return counts


def vacuum_analyze() -> bool:
    """PostgreSQL, outside a transaction: settle the indexes and statistics after a bulk load.

    Right after `bulk_create` the trigram (GIN) indexes hold the new rows in an unsorted pending
    list that every search reads until autovacuum gets to it: measured on 50,000 offers, one
    trigram count took 22 ms before VACUUM and 3.5 ms after. Returns whether it ran.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    tables = [m._meta.db_table for m in (Partner, Agreement, Offer, Outlet)] + [Agreement.provinces.through._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    return True


def ensure_tree() -> int:
    """A small national tree when the database has none; returns how many units it created."""
    ensure_reference_data()
    if Unit.objects.filter(depth=1).exists():
        return 0
    kinds = dict(UnitKind.objects.values_list("code", "pk"))
    created = 0
    root = Unit.objects.add_root(create_kwargs={
        "code": "TLD", "name": "Tổng Liên đoàn Lao động Việt Nam", "short_name": "TLĐ",
        "kind_id": kinds[UnitKindCode.CONFEDERATION],
    })
    created += 1
    for code, name in Province.objects.order_by("code").values_list("code", "name"):
        federation = Unit.objects.add_child(root, create_kwargs={
            "code": f"T{code:02d}", "name": f"Liên đoàn Lao động {name}", "kind_id": kinds[UnitKindCode.PROVINCIAL],
            "province_id": code,
        })
        created += 1
        for n in range(1, 3):
            middle = Unit.objects.add_child(federation, create_kwargs={
                "code": f"T{code:02d}-H{n:02d}", "name": f"Công đoàn Khu công nghiệp số {n} – {name}",
                "kind_id": kinds[UnitKindCode.INTERMEDIATE], "province_id": code,
            })
            created += 1
            for m in range(1, 6):
                Unit.objects.add_child(middle, create_kwargs={
                    "code": f"T{code:02d}-H{n:02d}-{m:02d}", "name": f"Công đoàn cơ sở Công ty số {m} – KCN {n} {name}",
                    "kind_id": kinds[UnitKindCode.GRASSROOTS], "province_id": code,
                })
                created += 1
    return created


def _places(rng: random.Random) -> dict[str, list[_Place]]:
    """TLĐ, the provincial federations, and a sample of lower unions that have a province."""
    rows = Unit.objects.filter(is_active=True).values_list("pk", "province_id", "depth", "kind__code")
    root, federations, lower = [], [], []
    for pk, province, depth, kind in rows:
        place = _Place(pk, province, depth)
        if depth == 1:
            root.append(place)
        elif kind == UnitKindCode.PROVINCIAL:
            federations.append(place)
        elif province is not None:
            lower.append(place)
    lower.sort(key=lambda p: p.unit_id)
    if len(lower) > 5000:
        lower = rng.sample(lower, 5000)
    return {"root": root, "federations": federations or root, "lower": lower or federations or root}


def _partners(rng, total: int, places: dict[str, list[_Place]], batch_size: int) -> list[tuple]:
    """(id, name, sector, place) of the partners written: 8 % TLĐ's, 62 % the provinces', 30 % lower unions'."""
    specs = []
    first = Partner.objects.count()
    for i in range(total):
        roll = rng.random()
        group = "root" if roll < 0.08 else "federations" if roll < 0.70 else "lower"
        place = rng.choice(places[group])
        sector = rng.choice(SECTORS)
        brand = f"{rng.choice(BRANDS)} {rng.choice(BRANDS)}" if rng.random() < 0.3 else rng.choice(BRANDS)
        name = rng.choice(sector.partner_names).format(brand=brand)
        # Numbered after the partners already there, so a second run adds without clashing.
        tax_code = f"{3_000_000_000 + first + i:010d}"
        partner = Partner(
            unit_id=place.unit_id, name=name, tax_code=tax_code, sector=sector.label,
            address=f"Số {rng.randint(1, 399)} {rng.choice(STREETS)}",
            contact_name=f"Cán bộ đầu mối {brand}", contact_phone=f"09{rng.randint(10_000_000, 99_999_999)}",
            contact_email=f"lienhe{i}@doitac.example.vn",
        )
        # As Partner.save() does.
        partner.search_key = fold(f"{partner.name} {partner.tax_code} {partner.sector}")
        specs.append((partner, sector, brand, place))
    written = []
    for start in range(0, len(specs), batch_size):
        chunk = specs[start:start + batch_size]
        Partner.objects.bulk_create([p for p, *_ in chunk], batch_size=batch_size)
        written.extend((p.pk, p.name, sector, brand, place) for p, sector, brand, place in chunk)
    return written


def _agreements(rng, partner_rows, provinces: list[int], today: date, batch_size: int, counts) -> list[tuple]:
    """(agreement id, partner name, sector, brand, valid_from, valid_until) for each agreement."""
    weights = [v[0] for v in VALIDITY]
    pending: list[tuple[Agreement, tuple, list[int]]] = []
    for n, (partner_id, partner_name, sector, brand, place) in enumerate(partner_rows):
        for k in range(rng.choice((1, 1, 2, 2, 3))):
            _, signed, start, end, draft = rng.choices(VALIDITY, weights)[0]
            listed: list[int] = []
            if place.depth == 1:
                scope = AgreementScope.NATIONWIDE if rng.random() < 0.85 else AgreementScope.PROVINCES
            else:
                scope = AgreementScope.SUBTREE if rng.random() < 0.9 else AgreementScope.PROVINCES
            if scope == AgreementScope.PROVINCES:
                listed = sorted(set(rng.sample(provinces, rng.randint(2, 5))) | ({place.province} - {None}))
            agreement = Agreement(
                number=f"{n + 1:05d}-{k + 1}/TTHT", title=f"Thỏa thuận hợp tác chăm lo đoàn viên với {partner_name}",
                unit_id=place.unit_id, partner_id=partner_id, signed_on=today + timedelta(days=signed),
                valid_from=today + timedelta(days=start), valid_until=today + timedelta(days=end),
                scope=scope, is_draft=draft,
            )
            pending.append((agreement, (partner_name, sector, brand), listed))
    rows = []
    through = Agreement.provinces.through
    for start in range(0, len(pending), batch_size):
        chunk = pending[start:start + batch_size]
        # Generated volume data for measurements, not anybody's change: no audit history.
        with audit.unaudited("generate_catalogue_data: generated agreements for measurements"):
            Agreement.objects.bulk_create([a for a, *_ in chunk], batch_size=batch_size)
        links = [through(agreement_id=a.pk, province_id=code) for a, _, listed in chunk for code in listed]
        through.objects.bulk_create(links, batch_size=batch_size)
        counts.agreement_provinces += len(links)
        rows.extend((a.pk, *info, a.valid_from, a.valid_until) for a, info, _ in chunk)
    counts.agreements = len(rows)
    return rows


def _offers(rng, total: int, agreement_rows: list[tuple], today: date, batch_size: int) -> int:
    written = 0
    batch: list[Offer] = []
    for i in range(total):
        # Every agreement gets one offer before any gets a second.
        row = agreement_rows[i] if i < len(agreement_rows) else rng.choice(agreement_rows)
        agreement_id, partner_name, sector, brand, valid_from, valid_until = row
        if rng.random() < 0.1:
            sector = rng.choice(SECTORS)  # a partner sometimes offers outside its line
        percent = rng.choice((5, 7, 8, 10, 10, 12, 15, 15, 20, 25, 30, 40, 50))
        title = rng.choice(sector.offers).format(p=percent, brand=brand)
        roll = rng.random()
        kind = DiscountKind.PERCENT if roll < 0.75 else DiscountKind.AMOUNT if roll < 0.9 else DiscountKind.SPECIAL_PRICE
        offer = Offer(
            agreement_id=agreement_id, title=title, description=rng.choice(sector.descriptions),
            category=sector.category, discount_kind=kind,
            discount_percent=Decimal(percent) if kind == DiscountKind.PERCENT else None,
            discount_amount=Decimal(rng.choice((50, 100, 200, 300, 500)) * 1000) if kind == DiscountKind.AMOUNT else None,
            special_price="Giá bán buôn cho đoàn viên" if kind == DiscountKind.SPECIAL_PRICE else "",
            conditions="Xuất trình thẻ đoàn viên công đoàn.",
            for_families=rng.random() < 0.4, for_kitchens=sector.category == OfferCategory.FOOD and rng.random() < 0.3,
            # A few offers end before their agreement does.
            valid_until=(today + timedelta(days=rng.randint(-60, 200))) if rng.random() < 0.1 else None,
        )
        offer.search_key = offer.build_search_key(partner_name)
        batch.append(offer)
        if len(batch) == batch_size:
            Offer.objects.bulk_create(batch, batch_size=batch_size)
            written += len(batch)
            batch = []
    if batch:
        Offer.objects.bulk_create(batch, batch_size=batch_size)
        written += len(batch)
    return written


def _outlets(rng, total: int, partner_rows, provinces: list[int], wards, batch_size: int) -> int:
    """National chains (TLĐ's partners) get many outlets across the country, local ones a few at home."""
    weights = [40 if place.depth == 1 else 4 if place.depth == 2 else 1 for *_, place in partner_rows]
    chosen = rng.choices(partner_rows, weights, k=total)
    written = 0
    batch: list[Outlet] = []
    for i, (partner_id, _name, sector, brand, place) in enumerate(chosen):
        province = place.province if place.province is not None and rng.random() < 0.9 else rng.choice(provinces)
        ward_code, ward_name = rng.choice(wards[province]) if wards.get(province) else (None, "")
        short_ward = ward_name.split(" ", 1)[-1]
        outlet = Outlet(
            partner_id=partner_id, name=f"{sector.outlet_kind} {brand} – {short_ward or i}",
            address=f"Số {rng.randint(1, 499)} {rng.choice(STREETS)}, {ward_name}".rstrip(", "),
            province_id=province, ward_id=ward_code, phone=f"02{rng.randint(10_000_000, 99_999_999)}",
            displays_sign=rng.random() < 0.8,
        )
        # As Outlet.save() does.
        outlet.search_key = fold(f"{outlet.name} {outlet.address}")[:600]
        batch.append(outlet)
        if len(batch) == batch_size:
            Outlet.objects.bulk_create(batch, batch_size=batch_size)
            written += len(batch)
            batch = []
    if batch:
        Outlet.objects.bulk_create(batch, batch_size=batch_size)
        written += len(batch)
    return written
