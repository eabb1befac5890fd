"""A year of the small tree (tests/conftest.py) with figures a person can add up by hand.

Today is 28/11/2026. Every unit owes Phụ lục 02 from 01/2026; the periods of October and
November 2026 exist (due 25/10 and 25/11), no other month does.

October (on time = sent on 20/10, late = on 27/10):
  Công ty A     approved, on time   housing 6 (new 2, repair 3), loans 4 (support fund 1, national 2),
                                    sick visits 7, culture/sport 10
  Công ty B     approved, on time   housing 1 (new 1), sick visits 5, culture/sport 0
  Bệnh viện     sent late, waiting
  Châu Thành    draft (never sent)
  An Giang, Hà Nội: nothing
November (on time = 20/11, late = 27/11):
  Công ty A     approved, on time   housing 4 (new 4, repair 0), loans 3 (support fund 3, national 0),
                                    sick visits 2, culture/sport 20
  An Giang      sent on time, waiting
  Châu Thành    sent on time, returned
  Bệnh viện     sent late, waiting
  Công ty B     draft
  Hà Nội        nothing

Welfare programme (signed_on / in force):
  TLĐ × partner T   signed 10/03/2026, in force 01/04/2026 – 31/12/2027          (level TLĐ)
  An Giang × P      signed 05/05/2026, in force 05/05/2026 – 10/12/2026          (level: the unit, for An Giang)
  Công ty A × Q     signed 15/05/2026, in force 01/06/2026 – open, terminated 01/11/2026
  Hà Nội × R        signed 20/05/2026, in force 20/05/2026 – open                (outside An Giang)
  a draft of An Giang, signed 01/05/2026: never counted
  An Giang's offer "Giảm 10% vé xe" ends with its agreement on 10/12/2026 (12 days from today).
  Usage: Công ty A with P in 09/2026: 120 members, 35 million; 10/2026: 80 members, 1.234,5 million;
         Bệnh viện with Q in 10/2026: 50 members, no value; the union hotel of An Giang 10/2026: 30 members, 2 million;
         Công ty B with R in 10/2026: 999 members (outside An Giang).

Campaigns (ISO weeks of 2026; week 45 = 02–08/11, week 46 = 09–15/11, week 47 = 16–22/11):
  An Giang's website, section "Vì lợi ích đoàn viên" opened 02/11/2026 (quota 2):
      week 45: 2 articles, week 46: 1 article, week 47: 3 articles
  Công ty A's page, section "Góc đoàn viên" opened 09/11/2026 (quota 2): week 46: 2 articles, week 47: 0
  Hà Nội's website, section opened 02/11/2026: week 45: 5 articles (outside An Giang)
  Activities: An Giang launch conference 12/03/2026 (200 people); Châu Thành training 20/03/2026 (45 people);
              Công ty A contest 21/03/2026 (not a conference); Hà Nội seminar 03/2026 (300 people, outside).
"""

from datetime import date
from types import SimpleNamespace

import time_machine

from organizations.choices import Role
from organizations.models import Unit
from reporting.choices import SubmissionStatus
from reporting.definitions import ensure_forms_loaded
from reporting.models import Form
from reporting.services import form_assign, period_get_or_create
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    ArticleFactory,
    BenefitUsageFactory,
    InstitutionFactory,
    MediaOutletFactory,
    OfferFactory,
    PartnerFactory,
    SectionFactory,
    user_with_role,
)
from tests.reporting.test_consolidation import report

TODAY = "2026-11-28 10:00 +07:00"
YEAR = 2026

A_OCTOBER = {"housing": "6", "housing_new": "2", "housing_repair": "3", "loans": "4", "loans_support_fund": "1",
             "loans_national_fund": "2", "sick_visits_aid": "7", "culture_sport": "10"}
B_OCTOBER = {"housing": "1", "housing_new": "1", "sick_visits_aid": "5", "culture_sport": "0"}
A_NOVEMBER = {"housing": "4", "housing_new": "4", "housing_repair": "0", "loans": "3", "loans_support_fund": "3",
              "loans_national_fund": "0", "sick_visits_aid": "2", "culture_sport": "20"}


def reporting_year(tree, actors) -> SimpleNamespace:
    ensure_forms_loaded()
    form = Form.objects.get(code="PL02")
    form_assign(form=form, units=Unit.objects.all(), valid_from=date(2026, 1, 1))
    october = period_get_or_create(form=form, year=YEAR, month=10)
    november = period_get_or_create(form=form, year=YEAR, month=11)
    reviewer_tld = user_with_role(tree.tld, Role.REVIEWER, username="duyet_tld_db", full_name="Hoàng Văn Giang")
    admin = actors.system_admin
    with time_machine.travel("2026-10-20 09:00 +07:00"):
        report(tree.company_a, october, admin, reviewer=reviewer_tld, **A_OCTOBER)
        report(tree.company_b, october, admin, reviewer=reviewer_tld, **B_OCTOBER)
        report(tree.chau_thanh, october, admin, status=SubmissionStatus.DRAFT, directives="1")
    with time_machine.travel("2026-10-27 09:00 +07:00"):
        report(tree.hospital, october, admin, status=SubmissionStatus.SUBMITTED, directives="1")
    with time_machine.travel("2026-11-20 09:00 +07:00"):
        report(tree.company_a, november, admin, reviewer=reviewer_tld, **A_NOVEMBER)
        report(tree.an_giang, november, admin, status=SubmissionStatus.SUBMITTED, directives="1")
        report(tree.chau_thanh, november, admin, status=SubmissionStatus.RETURNED, reviewer=reviewer_tld, directives="1")
    with time_machine.travel("2026-11-27 09:00 +07:00"):
        report(tree.hospital, november, admin, status=SubmissionStatus.SUBMITTED, directives="1")
        report(tree.company_b, november, admin, status=SubmissionStatus.DRAFT, directives="1")
    return SimpleNamespace(form=form, october=october, november=november, reviewer_tld=reviewer_tld)


def welfare_year(tree) -> SimpleNamespace:
    tld_agreement = AgreementFactory(partner=PartnerFactory(unit=tree.tld, name="Tập đoàn T"), signed_on=date(2026, 3, 10),
                                     valid_from=date(2026, 4, 1), valid_until=date(2027, 12, 31), scope="nationwide")
    partner_p = PartnerFactory(unit=tree.an_giang, name="Nhà xe Phương Trang P")
    ag_agreement = AgreementFactory(partner=partner_p, signed_on=date(2026, 5, 5), valid_from=date(2026, 5, 5),
                                    valid_until=date(2026, 12, 10))
    OfferFactory(agreement=ag_agreement, title="Giảm 10% vé xe", valid_until=None)
    OfferFactory(agreement=tld_agreement, title="Ưu đãi còn dài hạn", valid_until=None)
    partner_q = PartnerFactory(unit=tree.company_a, name="Siêu thị Q")
    AgreementFactory(partner=partner_q, signed_on=date(2026, 5, 15), valid_from=date(2026, 6, 1), valid_until=None,
                     terminated_on=date(2026, 11, 1))
    partner_r = PartnerFactory(unit=tree.ha_noi, name="Công ty R Hà Nội")
    AgreementFactory(partner=partner_r, signed_on=date(2026, 5, 20), valid_from=date(2026, 5, 20), valid_until=None)
    AgreementFactory(partner=PartnerFactory(unit=tree.an_giang, name="Dự thảo S"), signed_on=date(2026, 5, 1),
                     valid_from=date(2026, 5, 1), valid_until=None, is_draft=True)
    BenefitUsageFactory(unit=tree.company_a, partner=partner_p, month=date(2026, 9, 1), members_count=120, value_million=35)
    BenefitUsageFactory(unit=tree.company_a, partner=partner_p, month=date(2026, 10, 1), members_count=80,
                        value_million="1234.5")
    BenefitUsageFactory(unit=tree.hospital, partner=partner_q, month=date(2026, 10, 1), members_count=50, value_million=None)
    hotel = InstitutionFactory(unit=tree.an_giang, name="Khách sạn Công đoàn An Giang")
    BenefitUsageFactory(unit=tree.an_giang, partner=None, institution=hotel, month=date(2026, 10, 1), members_count=30,
                        value_million=2)
    BenefitUsageFactory(unit=tree.company_b, partner=partner_r, month=date(2026, 10, 1), members_count=999, value_million=9)
    return SimpleNamespace(partner_p=partner_p, partner_q=partner_q, ag_agreement=ag_agreement)


def campaign_year(tree) -> SimpleNamespace:
    ag_section = SectionFactory(outlet=MediaOutletFactory(unit=tree.an_giang, name="Trang tin LĐLĐ An Giang"),
                                name="Vì lợi ích đoàn viên", opened_on=date(2026, 11, 2))
    a_section = SectionFactory(outlet=MediaOutletFactory(unit=tree.company_a, name="Trang Công ty A"),
                               name="Góc đoàn viên", opened_on=date(2026, 11, 9))
    hn_section = SectionFactory(outlet=MediaOutletFactory(unit=tree.ha_noi, name="Trang tin LĐLĐ Hà Nội"),
                                opened_on=date(2026, 11, 2))
    for day in (date(2026, 11, 3), date(2026, 11, 5),  # week 45
                date(2026, 11, 10),  # week 46
                date(2026, 11, 16), date(2026, 11, 18), date(2026, 11, 20)):  # week 47
        ArticleFactory(section=ag_section, published_on=day)
    for day in (date(2026, 11, 11), date(2026, 11, 12)):  # week 46
        ArticleFactory(section=a_section, published_on=day)
    for day in (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)):
        ArticleFactory(section=hn_section, published_on=day)
    ActivityFactory(unit=tree.an_giang, kind="launch_conference", held_on=date(2026, 3, 12), participants=200)
    ActivityFactory(unit=tree.chau_thanh, kind="training", held_on=date(2026, 3, 20), participants=45)
    ActivityFactory(unit=tree.company_a, kind="contest", held_on=date(2026, 3, 21), participants=500)
    ActivityFactory(unit=tree.ha_noi, kind="seminar", held_on=date(2026, 3, 22), participants=300)
    return SimpleNamespace(ag_section=ag_section, a_section=a_section)


def chart(payload: dict, key: str) -> dict:
    return next(c for c in payload["charts"] if c["key"] == key)


def series(payload: dict, chart_key: str, series_key: str) -> list:
    return next(s["data"] for s in chart(payload, chart_key)["series"] if s["key"] == series_key)
