"""Demo data of the campaigns, on top of the demo tree of `organizations.demo` (and the programme's partners).

What a visitor finds after `seed_demo`:
- TLĐ's plan (Kế hoạch 24/KH-TLĐ ngày 05/7/2017, "Công đoàn vì lợi ích đoàn viên" and "Thiết chế
  Công đoàn") with phase 1 (07/2017–05/2018) and a phase for the current year, so the home page
  carries its banner; its milestones from letter 1476/TLĐ (sections ready by 20/9, interim
  review by 20/4);
- Công đoàn Ngân hàng Việt Nam's plan implementing it (seed 000) with its own milestone (interim
  review by 15/3), done by some units below and not by others;
- the union press named in letter 1476 and the demo units' websites as media outlets, each with
  its sections, and about ten weeks of articles — some weeks below the quota of two;
- a few activities: the bank union's launch conference, a training, a consultation fair with a
  partner of the programme, a print run of leaflets.

The press titles are real so the demo reads true; their sections' articles, links and figures
are invented. Tạp chí Lao động Bình Dương is owned by LĐLĐ Thành phố Hồ Chí Minh: Bình Dương is
part of that city since the 2025 merger of provinces.

`seed()` is idempotent: plans are found by (unit, title), phases by (plan, name), milestones by
(plan, title), outlets by (unit, name), sections by (outlet, name), articles by (section, url),
activities by (unit, kind, title). Article dates are relative to today: a run on a later week
adds that week's articles and leaves the older ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone, translation

from campaigns.choices import ActivityKind, OutletKind, Theme
from campaigns.models import Activity, Article, Campaign, MediaOutlet, Milestone, MilestoneCompletion, Phase, Section
from organizations.demo import AN_GIANG, BANK_UNION_CODE, HA_NOI, TLD_CODE, DemoCounts, federation_code
from organizations.models import Unit

NGHE_AN, DONG_NAI, HO_CHI_MINH = 40, 75, 79
WEEKS = 10
# Articles per week drawn from this (a weekly quota is 2): about one week in three falls short.
WEEKLY_COUNTS = (0, 1, 2, 2, 2, 3, 3, 4)

TLD_PLAN = "Kế hoạch tuyên truyền về “Công đoàn vì lợi ích đoàn viên” và “Thiết chế Công đoàn”"
BANK_PLAN = "Kế hoạch triển khai tuyên truyền về “Công đoàn vì lợi ích đoàn viên” và “Thiết chế Công đoàn” của CĐNHVN"


@dataclass(frozen=True)
class DemoOutlet:
    unit_code: str
    name: str
    kind: str
    url: str
    sections: tuple[tuple[str, str], ...]  # (name, theme)


BENEFITS = ("Công đoàn vì lợi ích đoàn viên", Theme.MEMBER_BENEFITS)
INSTITUTIONS = ("Thiết chế Công đoàn", Theme.INSTITUTIONS)
CONGRESS = ("Hướng tới Đại hội Công đoàn Việt Nam lần thứ XII", Theme.CONGRESS_XII)

OUTLETS = (
    # The union press of letter 1476/TLĐ.
    DemoOutlet(TLD_CODE, "Báo Lao động", OutletKind.NEWSPAPER, "https://laodong.vn", (BENEFITS, INSTITUTIONS, CONGRESS)),
    DemoOutlet(TLD_CODE, "Tạp chí Lao động và Công đoàn", OutletKind.MAGAZINE, "https://laodongcongdoan.vn", (BENEFITS,)),
    DemoOutlet(federation_code(HO_CHI_MINH), "Báo Người Lao động", OutletKind.NEWSPAPER, "https://nld.com.vn", (BENEFITS,)),
    DemoOutlet(federation_code(HA_NOI), "Báo Lao động Thủ đô", OutletKind.NEWSPAPER, "https://laodongthudo.vn",
               (BENEFITS, CONGRESS)),
    DemoOutlet(federation_code(NGHE_AN), "Báo Lao động Nghệ An", OutletKind.NEWSPAPER, "https://laodongnghean.vn",
               (BENEFITS,)),
    DemoOutlet(federation_code(DONG_NAI), "Báo Lao động Đồng Nai", OutletKind.NEWSPAPER, "https://laodongdongnai.vn",
               (BENEFITS,)),
    DemoOutlet(federation_code(HO_CHI_MINH), "Tạp chí Lao động Bình Dương", OutletKind.MAGAZINE,
               "https://laodongbinhduong.vn", (BENEFITS,)),
    # The demo units' websites.
    DemoOutlet(TLD_CODE, "Cổng thông tin điện tử Tổng Liên đoàn Lao động Việt Nam", OutletKind.WEBSITE,
               "https://congdoan.vn", (BENEFITS, INSTITUTIONS)),
    DemoOutlet(BANK_UNION_CODE, "Trang thông tin điện tử Công đoàn Ngân hàng Việt Nam", OutletKind.WEBSITE,
               "https://congdoannganhang.org.vn", (BENEFITS,)),
    DemoOutlet(federation_code(AN_GIANG), "Trang thông tin điện tử Liên đoàn Lao động tỉnh An Giang",
               OutletKind.WEBSITE, "https://congdoanangiang.org.vn", (BENEFITS,)),
    DemoOutlet(federation_code(HA_NOI), "Trang thông tin điện tử Liên đoàn Lao động Thành phố Hà Nội",
               OutletKind.WEBSITE, "https://congdoanhanoi.org.vn", (BENEFITS,)),
)

HEADLINES = {
    Theme.MEMBER_BENEFITS: (
        "Đoàn viên được giảm giá khi mua sắm tại hệ thống siêu thị đối tác",
        "Ký kết thỏa thuận ưu đãi dịch vụ viễn thông cho đoàn viên",
        "Chương trình “Phiên chợ nghĩa tình” cho công nhân khu công nghiệp",
        "Ưu đãi lãi suất vay tiêu dùng dành riêng cho đoàn viên công đoàn",
        "Những lợi ích thiết thực khi là đoàn viên công đoàn",
        "Mô hình bếp ăn tập thể dùng gạo giá ưu đãi cho người lao động",
    ),
    Theme.INSTITUTIONS: (
        "Thiết chế công đoàn tại khu công nghiệp: nhà ở, nhà trẻ, siêu thị cho công nhân",
        "Khách sạn công đoàn giảm giá cho đoàn viên dịp hè",
        "Tư vấn pháp luật miễn phí cho đoàn viên tại Trung tâm tư vấn pháp luật công đoàn",
    ),
    Theme.CONGRESS_XII: (
        "Đại hội công đoàn cơ sở điểm: đoàn viên góp ý văn kiện",
        "Phong trào thi đua chào mừng Đại hội Công đoàn Việt Nam lần thứ XII",
        "Ý kiến người lao động về Điều lệ Công đoàn Việt Nam sửa đổi, bổ sung",
    ),
}


def seed() -> DemoCounts:
    """Create or bring up to date the campaigns' demo records; return what was written."""
    counts = DemoCounts()
    with transaction.atomic(), translation.override("vi"):
        today = timezone.localdate()
        codes = {o.unit_code for o in OUTLETS} | {TLD_CODE, BANK_UNION_CODE}
        units = Unit.objects.in_bulk(list(codes), field_name="code")
        missing = codes - set(units)
        if missing:
            raise RuntimeError(f"Cây đơn vị demo thiếu: {', '.join(sorted(missing))} (chạy organizations.demo trước).")
        tld_plan, bank_plan = _plans(units, today, counts)
        for spec in OUTLETS:
            _outlet(spec, units[spec.unit_code], tld_plan if spec.unit_code != BANK_UNION_CODE else bank_plan,
                    today, counts)
        _activities(units[BANK_UNION_CODE], bank_plan, today, counts)
    return counts


def _get_or_create(what: str, counts: DemoCounts, model, defaults: dict | None = None, **lookup):
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults or {})
    if created:
        counts.add(what, created=True)
    return obj


def _plans(units: dict[str, Unit], today: date, counts: DemoCounts) -> tuple[Campaign, Campaign]:
    tld_plan = _get_or_create("kế hoạch", counts, Campaign, unit=units[TLD_CODE], title=TLD_PLAN, defaults={
        "themes": [Theme.MEMBER_BENEFITS, Theme.INSTITUTIONS],
        "document_number": "24/KH-TLĐ",
        "issued_on": date(2017, 7, 5),
        "legal_basis": (
            "Nghị quyết Hội nghị lần thứ 9 Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam khóa XI, chọn chủ đề "
            "năm 2017 là “Năm vì lợi ích đoàn viên Công đoàn”"
        ),
        "audience": "Đoàn viên, người lao động; các cấp công đoàn; các cơ quan báo chí trong hệ thống công đoàn.",
        "departments": (
            "Ban Tuyên giáo: chủ trì, hướng dẫn, tổng hợp báo cáo.\n"
            "Các cơ quan báo chí công đoàn: xây dựng chuyên trang, chuyên mục, tối thiểu 02 bài/tuần."
        ),
    })
    _get_or_create("giai đoạn", counts, Phase, campaign=tld_plan, name="Giai đoạn 1",
                   defaults={"starts_on": date(2017, 7, 1), "ends_on": date(2018, 5, 31)})
    _get_or_create("giai đoạn", counts, Phase, campaign=tld_plan, name=f"Năm {today.year}",
                   defaults={"starts_on": date(today.year, 1, 1), "ends_on": date(today.year, 12, 31)})
    sections_ready = _get_or_create(
        "mốc", counts, Milestone, campaign=tld_plan,
        title="Xây dựng xong các chuyên trang, chuyên mục trên ấn phẩm, trang tin (Công văn 1476/TLĐ)",
        defaults={"due_on": date(2017, 9, 20)},
    )
    _get_or_create("mốc", counts, Milestone, campaign=tld_plan,
                   title="Gửi báo cáo sơ kết giai đoạn 1 về Tổng Liên đoàn (qua Ban Tuyên giáo)",
                   defaults={"due_on": date(2018, 4, 20)})
    _get_or_create("mốc", counts, Milestone, campaign=tld_plan,
                   title=f"Rà soát chuyên trang, chuyên mục năm {today.year}",
                   defaults={"due_on": date(today.year, 9, 20)})

    bank = units[BANK_UNION_CODE]
    bank_plan = _get_or_create("kế hoạch", counts, Campaign, unit=bank, title=BANK_PLAN, defaults={
        "implements": tld_plan,
        "themes": [Theme.MEMBER_BENEFITS, Theme.INSTITUTIONS],
        "issued_on": date(2017, 7, 20),
        "legal_basis": (
            "Kế hoạch số 24/KH-TLĐ ngày 05/7/2017 của Tổng Liên đoàn Lao động Việt Nam\n"
            "Hướng dẫn số 137/CĐNH ngày 12/4/2017 của CĐNHVN về chủ đề năm 2017 “Năm vì lợi ích đoàn viên công đoàn”"
        ),
        "audience": "Đoàn viên, người lao động, các cơ quan, đơn vị trong hệ thống CĐNHVN.",
        "departments": (
            "Ban Tuyên giáo: xây dựng chuyên trang “Công đoàn vì lợi ích đoàn viên” trên website CĐNHVN; tổng hợp, "
            "báo cáo Tổng Liên đoàn.\n"
            "Ban Chính sách - Pháp luật: cung cấp thông tin về các thỏa thuận ký với đối tác.\n"
            "Ban Nữ công: cung cấp thông tin về các nội dung ký kết mà Ban triển khai.\n"
            "Các Ban CĐNHVN: phối hợp với Ban Tuyên giáo."
        ),
    })
    _get_or_create("giai đoạn", counts, Phase, campaign=bank_plan, name="Giai đoạn 1",
                   defaults={"starts_on": date(2017, 7, 1), "ends_on": date(2018, 5, 31)})
    interim = _get_or_create("mốc", counts, Milestone, campaign=bank_plan,
                             title="Gửi báo cáo sơ kết giai đoạn 1 về CĐNHVN (qua Ban Tuyên giáo)",
                             defaults={"due_on": date(2018, 3, 15)})
    _get_or_create("hoàn thành mốc", counts, MilestoneCompletion, milestone=sections_ready, unit=bank,
                   defaults={"done_on": date(2017, 9, 18), "note": "Chuyên trang trên website CĐNHVN"})
    # Two of the bank's unions sent their interim review, the others have not: the upper unit sees who.
    for code, done_on in ((f"{BANK_UNION_CODE}-AGR", date(2018, 3, 12)), (f"{BANK_UNION_CODE}-CTG", date(2018, 3, 15))):
        unit = Unit.objects.filter(code=code).first()
        if unit is not None:
            _get_or_create("hoàn thành mốc", counts, MilestoneCompletion, milestone=interim, unit=unit,
                           defaults={"done_on": done_on})
    return tld_plan, bank_plan


def _outlet(spec: DemoOutlet, unit: Unit, plan: Campaign, today: date, counts: DemoCounts) -> None:
    outlet = _get_or_create("cơ quan báo chí, trang tin", counts, MediaOutlet, unit=unit, name=spec.name,
                            defaults={"kind": spec.kind, "url": spec.url})
    for n, (name, theme) in enumerate(spec.sections):
        section = _get_or_create("chuyên mục", counts, Section, outlet=outlet, name=name, defaults={
            "campaign": plan, "theme": theme, "url": f"{spec.url}/chuyen-muc/{theme.replace('_', '-')}",
            "opened_on": date(2017, 9, 15 + n), "runs_banner": spec.kind == OutletKind.WEBSITE,
        })
        _articles(section, spec, today, counts)


def _articles(section: Section, spec: DemoOutlet, today: date, counts: DemoCounts) -> None:
    draw = random.Random(f"{spec.name}/{section.name}")  # the same weeks below quota on every run
    monday = today - timedelta(days=today.weekday())
    headlines = HEADLINES[section.theme]
    wanted = []
    for week in range(WEEKS):
        start = monday - timedelta(weeks=week)
        for n in range(draw.choice(WEEKLY_COUNTS)):
            published_on = start + timedelta(days=min(2 * n, 6))
            if published_on > today:
                continue
            slug = f"{published_on:%Y%m%d}-{n + 1}"
            wanted.append(Article(
                section=section, title=f"{headlines[(week + n) % len(headlines)]} ({published_on:%d/%m})",
                url=f"{spec.url}/bai-viet/{section.theme.replace('_', '-')}-{slug}", published_on=published_on,
                in_print=spec.kind != OutletKind.WEBSITE and n % 2 == 0,
            ))
    existing = set(section.articles.values_list("url", flat=True))
    new = [article for article in wanted if article.url not in existing]
    Article.objects.bulk_create(new)
    for _article in new:
        counts.add("bài viết", created=True)


def _activities(bank: Unit, plan: Campaign, today: date, counts: DemoCounts) -> None:
    from agreements.models import Partner

    def this_year(days_ago: int) -> date:
        return max(date(today.year, 1, 2), today - timedelta(days=days_ago))

    specs = [
        (bank, ActivityKind.LAUNCH_CONFERENCE, "Hội nghị triển khai tuyên truyền “Công đoàn vì lợi ích đoàn viên”",
         {"held_on": this_year(200), "participants": 150}),
        (Unit.objects.filter(code=f"{BANK_UNION_CODE}-AGR").first(), ActivityKind.TRAINING,
         "Tập huấn cán bộ công đoàn về thiết chế công đoàn", {"held_on": this_year(120), "participants": 60}),
        (bank, ActivityKind.CONSULTATION_FAIR, "Ngày hội tư vấn, quảng bá sản phẩm ưu đãi cho đoàn viên ngành Ngân hàng",
         {"held_on": this_year(60), "participants": 400}),
        (bank, ActivityKind.PRINTED_MATERIAL, "Tờ rơi “Lợi ích khi là đoàn viên công đoàn”",
         {"held_on": this_year(90), "copies": 5000, "placed_at": "Trụ sở các chi nhánh ngân hàng trong hệ thống"}),
    ]
    for unit, kind, title, defaults in specs:
        if unit is None:
            continue
        activity = _get_or_create("hoạt động", counts, Activity, unit=unit, kind=kind, title=title,
                                  defaults={**defaults, "campaign": plan})
        if kind == ActivityKind.CONSULTATION_FAIR and not activity.partners.exists():
            # A partner of the programme that TLĐ or the bank union signed with, when the programme's demo ran.
            partner = Partner.objects.filter(unit__code__in=[TLD_CODE, BANK_UNION_CODE]).order_by("name").first()
            if partner is not None:
                activity.partners.add(partner)
