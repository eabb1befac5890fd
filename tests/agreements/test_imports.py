"""Importing and exporting partners, offers, outlets and usage: the files, the rules, the scope.

The tree fixture: TLĐ → An Giang (→ Châu Thành → Công ty A; Bệnh viện) and Hà Nội (→ Công ty B).
The officer of Công ty A imports for Công ty A; the officer of Công ty B for Công ty B. Partner A
(of Công ty A) has agreement 15/TTHT-CĐCS; partner B belongs to Công ty B; TLĐ has a
nationwide partner and a union hotel.
"""

import csv
import io
import os
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import IntegrityError
from django.db.models.query import QuerySet

from agreements.choices import DiscountKind, UsageSource
from agreements.models import Agreement, BenefitUsage, Offer, Outlet, Partner
from agreements.resources import RESOURCES, OutletResource, PartnerResource
from agreements.services import import_file_apply, import_file_check, import_file_prepare
from organizations.models import Ward
from tests.factories import (
    AgreementFactory,
    BenefitUsageFactory,
    InstitutionFactory,
    OfferFactory,
    OutletFactory,
    PartnerFactory,
)
from unionportal import spreadsheets

PARTNER_HEADER = ["Tên đối tác", "Mã số thuế", "Lĩnh vực", "Địa chỉ trụ sở", "Trang web", "Người liên hệ",
                  "Điện thoại người liên hệ", "Email người liên hệ"]
OFFER_HEADER = ["Số thỏa thuận", "Tên ưu đãi", "Mô tả", "Nhóm ưu đãi", "Hình thức ưu đãi", "Mức giảm (%)",
                "Số tiền giảm (đồng)", "Giá ưu đãi", "Điều kiện áp dụng", "Áp dụng từ ngày", "Áp dụng đến ngày"]
OUTLET_HEADER = ["Mã số thuế đối tác", "Tên điểm bán", "Địa chỉ", "Mã tỉnh", "Mã phường/xã", "Điện thoại", "Vĩ độ",
                 "Kinh độ", "Có biển niêm yết"]
USAGE_HEADER = ["Mã đơn vị", "Tháng", "Mã số thuế đối tác", "Tên thiết chế", "Số lượt đoàn viên sử dụng",
                "Giá trị (triệu đồng)", "Ghi chú"]


def csv_bytes(header, rows, bom=True) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + stream.getvalue()).encode("utf-8")


def xlsx_bytes(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def file_of(file_format, header, rows) -> tuple[bytes, str]:
    if file_format == "csv":
        return csv_bytes(header, rows), "tep.csv"
    return xlsx_bytes(header, rows), "tep.xlsx"


def check(resource, content, user, unit, name="tep.csv"):
    prepared = import_file_prepare(resource=resource, content=content, filename=name)
    return import_file_check(prepared=prepared, user=user, unit=unit)


def apply(resource, content, user, unit, name="tep.csv"):
    prepared = import_file_prepare(resource=resource, content=content, filename=name)
    return import_file_apply(prepared=prepared, user=user, unit=unit)


def problems_of(outcome):
    return {(p.row, p.column, p.message) for p in outcome.problems}


def counts():
    return (Partner.objects.count(), Offer.objects.count(), Outlet.objects.count(), BenefitUsage.objects.count())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def programme(tree):
    partner_a = PartnerFactory(unit=tree.company_a, name="Siêu thị Co.op Long Xuyên", tax_code="1600000001",
                               sector="Bán lẻ")
    partner_b = PartnerFactory(unit=tree.company_b, name="Công ty Thực phẩm Hà Nội", tax_code="0100000002")
    return SimpleNamespace(
        partner_a=partner_a,
        agreement_a=AgreementFactory(partner=partner_a, number="15/TTHT-CĐCS"),
        partner_b=partner_b,
        agreement_b=AgreementFactory(partner=partner_b, number="7/TTHT-HN"),
        partner_tld=PartnerFactory(unit=tree.tld, name="Ngân hàng TMCP Công Thương", tax_code="0100111948"),
        hotel=InstitutionFactory(unit=tree.tld, name="Khách sạn Công đoàn Hạ Long"),
        ward_ag=Ward.objects.filter(province_id=91).order_by("code").first(),
        ward_hn=Ward.objects.filter(province_id=1).order_by("code").first(),
    )


# --- Good files, each resource, .csv and .xlsx ---------------------------------------------------------


def good_partners(p):
    rows = [
        ["Nhà sách Phương Nam", "0301000003", "Sách, văn phòng phẩm", "940 Ba Tháng Hai, TP.HCM", "www.pnc.com.vn",
         "Lê Thị Mai", "0909 123 456", "mai@pnc.com.vn"],
        ["Siêu thị Co.op Long Xuyên", "1600000001", "Siêu thị", "", "", "", "", ""],  # the unit's partner A
    ]

    def verify(tree):
        new = Partner.objects.get(tax_code="0301000003")
        assert new.unit == tree.company_a and new.website == "https://www.pnc.com.vn"
        assert new.contact_email == "mai@pnc.com.vn"
        p.partner_a.refresh_from_db()
        assert p.partner_a.sector == "Siêu thị"
        return [new, p.partner_a]

    return PARTNER_HEADER, rows, (1, 1), verify


def good_offers(p):
    rows = [
        ["15/TTHT-CĐCS", "Giảm 12,5% hóa đơn gạo", "Gạo ST25 cho đoàn viên", "Lương thực, thực phẩm", "", "12,5", "",
         "", "Xuất trình thẻ đoàn viên", "01/01/2026", "31/12/2026"],
        ["15/TTHT-CĐCS", "Giảm 50.000 đồng", "", "food", "Giảm một số tiền", "", "50.000", "", "", "", ""],
    ]

    def verify(tree):
        percent = Offer.objects.get(title="Giảm 12,5% hóa đơn gạo")
        amount = Offer.objects.get(title="Giảm 50.000 đồng")
        assert (percent.discount_kind, percent.discount_percent) == (DiscountKind.PERCENT, Decimal("12.50"))
        assert (percent.valid_from, percent.valid_until) == (date(2026, 1, 1), date(2026, 12, 31))
        assert (amount.discount_kind, amount.discount_amount) == (DiscountKind.AMOUNT, 50000)
        assert percent.agreement == p.agreement_a and "co.op long xuyen" in percent.search_key
        assert set(Offer.objects.search("sieu thi co.op gao")) == {percent}
        return [percent, amount]

    return OFFER_HEADER, rows, (2, 0), verify


def good_outlets(p):
    rows = [
        ["1600000001", "Co.op Mart Long Xuyên", "12 Trần Hưng Đạo", "91", str(p.ward_ag.code), "0296 3841 111",
         "10,3759", "105.4185", "Có"],
        ["1600000001", "Co.op Food Mỹ Bình", "5 Nguyễn Huệ", "91", "", "", "", "", "Không"],
    ]

    def verify(tree):
        first = Outlet.objects.get(name="Co.op Mart Long Xuyên")
        second = Outlet.objects.get(name="Co.op Food Mỹ Bình")
        assert (first.partner, first.province_id, first.ward) == (p.partner_a, 91, p.ward_ag)
        assert (first.latitude, first.longitude, first.displays_sign) == (Decimal("10.3759"), Decimal("105.4185"), True)
        assert second.ward is None and second.displays_sign is False
        assert set(Outlet.objects.search("co.op my binh")) == {second}
        return [first, second]

    return OUTLET_HEADER, rows, (2, 0), verify


def good_usage(p):
    rows = [
        ["", "03/2026", "1600000001", "", "1.200", "35,5", "Báo cáo của Co.op"],
        ["", "03/2026", "", "khách sạn công đoàn hạ long", "12", "", ""],
        ["AG-CT-A", "3/2026", "0100111948", "", "40", "", ""],  # TLĐ's partner reaches every unit
    ]

    def verify(tree):
        usages = BenefitUsage.objects.filter(unit=tree.company_a, month=date(2026, 3, 1))
        assert usages.count() == 3 and {u.source for u in usages} == {UsageSource.IMPORT}
        coop = usages.get(partner=p.partner_a)
        assert (coop.members_count, coop.value_million, coop.note) == (1200, Decimal("35.5"), "Báo cáo của Co.op")
        assert usages.get(institution=p.hotel).members_count == 12
        return []

    return USAGE_HEADER, rows, (3, 0), verify


GOOD = {"doi-tac": good_partners, "uu-dai": good_offers, "diem-ban": good_outlets, "su-dung": good_usage}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("resource", sorted(GOOD))
def test_a_good_file_is_checked_then_written(tree, actors, programme, resource, file_format):
    header, rows, (new, updated), verify = GOOD[resource](programme)
    content, name = file_of(file_format, header, rows)
    before = counts()

    checked = check(resource, content, actors.officer_a, tree.company_a, name)
    assert checked.problems == [] and (checked.new, checked.updated) == (new, updated)
    assert counts() == before, "a check writes nothing"

    written = apply(resource, content, actors.officer_a, tree.company_a, name)
    assert written.applied and (written.new, written.updated) == (new, updated)
    for record in verify(tree):
        # bulk_create skipped save(); the search key is what save() would have written.
        imported_key = record.search_key
        record.save()
        assert record.search_key == imported_key


def test_cells_typed_by_excel_are_read_as_written(tree, actors, programme):
    content = xlsx_bytes(OFFER_HEADER, [
        ["15/TTHT-CĐCS", "Giảm giá vé", "", "travel", "", 15, None, None, "", datetime(2026, 2, 1), datetime(2026, 8, 31)],
    ])
    assert apply("uu-dai", content, actors.officer_a, tree.company_a, "tep.xlsx").applied
    offer = Offer.objects.get(title="Giảm giá vé")
    assert (offer.discount_percent, offer.valid_from, offer.valid_until) == (15, date(2026, 2, 1), date(2026, 8, 31))

    usage = xlsx_bytes(USAGE_HEADER, [[None, datetime(2026, 4, 1), 1600000001, None, 1200.0, 2.25, None]])
    assert apply("su-dung", usage, actors.officer_a, tree.company_a, "tep.xlsx").applied
    assert BenefitUsage.objects.get(month=date(2026, 4, 1)).members_count == 1200


# --- Bad files -----------------------------------------------------------------------------------------


def test_wrong_columns_are_a_file_error(tree, actors, programme):
    content = csv_bytes(["Mã số thuế đối tác", "Tên", "Địa chỉ", "Tỉnh thành"], [["1600000001", "A", "B", "91"]])
    outcome = check("diem-ban", content, actors.officer_a, tree.company_a)
    messages = [p.message for p in outcome.file_errors]
    assert any(m.startswith("Cột “Tên” không được hỗ trợ. Các cột hợp lệ: Mã điểm bán, Mã số thuế đối tác") for m in messages)
    assert any(m.startswith("Cột “Tỉnh thành” không được hỗ trợ") for m in messages)
    assert "Tệp thiếu cột: “Tên điểm bán”, “Mã tỉnh”. Dòng đầu tiên của tệp phải là tên các cột." in messages
    assert outcome.row_errors == []
    assert not apply("diem-ban", content, actors.officer_a, tree.company_a).applied


def test_headers_are_recognised_without_diacritics_or_case(tree, actors, programme):
    header = ["ma so thue doi tac", "TEN DIEM BAN", "Dia chi", "ma tinh"]
    outcome = check("diem-ban", csv_bytes(header, [["1600000001", "Cửa hàng", "1 Lê Lợi", "91"]]),
                    actors.officer_a, tree.company_a)
    assert outcome.problems == [] and outcome.new == 1


def test_every_bad_row_is_reported_with_row_column_and_message_and_nothing_is_written(tree, actors, programme):
    rows = [
        ["1600000001", "Cửa hàng tốt", "1 Lê Lợi", "91", "", "", "", "", "Có"],  # row 2: fine
        ["1600000001", "Cửa hàng ở tỉnh lạ", "2 Lê Lợi", "99", "", "", "", "", ""],  # row 3: unknown province
        ["0100000002", "Cửa hàng của Hà Nội", "3 Lê Lợi", "1", "", "", "", "", ""],  # row 4: partner of unit B
        ["", "", "", "", "", "", "", "", ""],  # row 5: blank, skipped, still counted
        ["1600000001", "Cửa hàng", "4 Lê Lợi", "91", str(programme.ward_hn.code), "", "mười", "", "có lẽ"],  # row 6
        ["1600000001", "", "", "91", "", "", "95", "", ""],  # row 7
    ]
    content = csv_bytes(OUTLET_HEADER, rows)
    before = counts()

    outcome = check("diem-ban", content, actors.officer_a, tree.company_a)
    ward = programme.ward_hn
    assert problems_of(outcome) == {
        (3, "Mã tỉnh", "Mã tỉnh “99” không có trong danh mục 34 tỉnh, thành phố."),
        (4, "Mã số thuế đối tác", "Đối tác có mã số thuế “0100000002” không có trong phạm vi của đơn vị."),
        (6, "Mã phường/xã", f"Phường/xã “{ward.name}” không thuộc An Giang."),
        (6, "Vĩ độ", "“mười” không phải là số."),
        (6, "Có biển niêm yết", "“có lẽ” không hợp lệ: ghi “Có” hoặc “Không”."),
        (7, "Tên điểm bán", "Ô này không được để trống."),
        (7, "Địa chỉ", "Ô này không được để trống."),
        (7, "Vĩ độ", "Vĩ độ phải từ -90 đến 90."),
    }
    assert {(p.row, p.value) for p in outcome.row_errors if p.column == "Mã tỉnh"} == {(3, "99")}
    assert outcome.error_row_count == 4

    written = apply("diem-ban", content, actors.officer_a, tree.company_a)
    assert not written.applied and (written.new, written.updated) == (0, 0)
    assert counts() == before


def test_a_discount_that_is_not_a_number_is_reported(tree, actors, programme):
    rows = [
        ["15/TTHT-CĐCS", "Giảm giá", "", "", "", "mười phần trăm", "", "", "", "", ""],
        ["15/TTHT-CĐCS", "Giảm tiền", "", "", "Giảm một số tiền", "", "12,5", "", "", "31/02/2026", ""],
        ["15/TTHT-CĐCS", "Quá nhiều", "", "nhóm lạ", "", "120", "", "", "", "01/06/2026", "01/05/2026"],
        ["7/TTHT-HN", "Của Hà Nội", "", "", "", "5", "", "", "", "", ""],
    ]
    outcome = check("uu-dai", csv_bytes(OFFER_HEADER, rows), actors.officer_a, tree.company_a)
    problems = problems_of(outcome)
    assert (2, "Mức giảm (%)", "“mười phần trăm” không phải là số.") in problems
    assert (3, "Số tiền giảm (đồng)", "“12,5” không phải là một số nguyên không âm.") in problems
    assert (3, "Áp dụng từ ngày",
            "“31/02/2026” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 31/12/2026).") in problems
    assert any(p[:2] == (4, "Nhóm ưu đãi") and p[2].startswith("“nhóm lạ” không hợp lệ; ghi một trong:") for p in problems)
    assert (4, "Mức giảm (%)", "Mức giảm phải từ 0 đến 100%.") in problems
    assert (4, "Áp dụng đến ngày", "Ngày kết thúc áp dụng phải sau ngày bắt đầu.") in problems
    assert (5, "Số thỏa thuận", "Thỏa thuận số “7/TTHT-HN” không có trong phạm vi của đơn vị.") in problems
    assert Offer.objects.count() == 0


def test_an_image_renamed_xlsx_is_refused_in_vietnamese():
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(5 * 1024 * 1024)
    with pytest.raises(spreadsheets.SpreadsheetError, match="không phải là tệp Excel .xlsx hợp lệ"):
        import_file_prepare(resource="diem-ban", content=png, filename="diem-ban.xlsx")


def test_a_file_with_a_header_but_no_rows_says_so(tree, actors):
    outcome = check("diem-ban", csv_bytes(OUTLET_HEADER, []), actors.officer_a, tree.company_a)
    assert [p.message for p in outcome.file_errors] == ["Tệp không có dòng dữ liệu nào."]


# --- All or nothing --------------------------------------------------------------------------------------


def test_a_bad_row_after_a_written_batch_leaves_nothing_written(tree, actors, programme):
    # 1,500 good rows: the first 1,000 are bulk-created before the importer reaches the bad one.
    rows = [["1600000001", f"Cửa hàng {n}", f"{n} Lê Lợi", "91", "", "", "", "", ""] for n in range(1500)]
    rows.append(["1600000001", "Cửa hàng cuối", "Lê Lợi", "99", "", "", "", "", ""])
    outcome = apply("diem-ban", csv_bytes(OUTLET_HEADER, rows), actors.officer_a, tree.company_a)
    assert not outcome.applied
    assert problems_of(outcome) == {(1502, "Mã tỉnh", "Mã tỉnh “99” không có trong danh mục 34 tỉnh, thành phố.")}
    assert Outlet.objects.count() == 0


def test_a_write_the_database_refuses_leaves_nothing_written(tree, actors, programme, monkeypatch):
    rows = [["1600000001", f"Cửa hàng {n}", f"{n} Lê Lợi", "91", "", "", "", "", ""] for n in range(1200)]
    real_bulk_create = QuerySet.bulk_create
    calls = []

    def failing_second_batch(self, objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise IntegrityError("simulated")
        return real_bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", failing_second_batch)
    outcome = apply("diem-ban", csv_bytes(OUTLET_HEADER, rows), actors.officer_a, tree.company_a)
    assert calls == [1000, 200]
    assert not outcome.applied and Outlet.objects.count() == 0
    assert [p.message for p in outcome.file_errors] == [
        "Cơ sở dữ liệu từ chối ghi (có thể dữ liệu vừa được người khác thay đổi). Chưa có gì được ghi; "
        "hãy kiểm tra lại tệp và nhập lại."
    ]


# --- Scope, identity, duplicates ---------------------------------------------------------------------------


def test_records_of_another_unit_cannot_be_reached_by_file(tree, actors, programme):
    outlet_a = OutletFactory(partner=programme.partner_a, name="Cửa hàng của A")
    offer_a = OfferFactory(agreement=programme.agreement_a)
    outlets = csv_bytes(["Mã điểm bán", *OUTLET_HEADER[:4]], [[outlet_a.pk, "0100000002", "Đổi tên", "1 Phố Huế", "1"]])
    offers = csv_bytes(["Mã ưu đãi", "Số thỏa thuận", "Tên ưu đãi", "Mức giảm (%)"], [[offer_a.pk, "7/TTHT-HN", "Đổi", "5"]])

    assert problems_of(check("diem-ban", outlets, actors.officer_b, tree.company_b)) == {
        (2, "Mã điểm bán", f"Điểm bán mã “{outlet_a.pk}” không có trong phạm vi của đơn vị.")
    }
    assert problems_of(check("uu-dai", offers, actors.officer_b, tree.company_b)) == {
        (2, "Mã ưu đãi", f"Ưu đãi mã “{offer_a.pk}” không có trong phạm vi của đơn vị.")
    }
    outlet_a.refresh_from_db()
    assert outlet_a.name == "Cửa hàng của A"


def test_rows_with_an_id_update_and_an_id_twice_is_an_error(tree, actors, programme):
    outlet = OutletFactory(partner=programme.partner_a, name="Tên cũ", address="Địa chỉ cũ")
    header = ["Mã điểm bán", *OUTLET_HEADER]
    row = [outlet.pk, "1600000001", "Tên mới", "Địa chỉ mới", "91", "", "", "", "", "Có"]
    assert problems_of(check("diem-ban", csv_bytes(header, [row, row]), actors.officer_a, tree.company_a)) == {
        (3, "Mã điểm bán", "Trùng với dòng 2: mỗi bản ghi chỉ được ghi một lần trong tệp.")
    }
    written = apply("diem-ban", csv_bytes(header, [row]), actors.officer_a, tree.company_a)
    assert written.applied and (written.new, written.updated) == (0, 1)
    outlet.refresh_from_db()
    assert (outlet.name, outlet.address, outlet.search_key) == ("Tên mới", "Địa chỉ mới", "ten moi dia chi moi")


def test_partners_are_matched_by_tax_code_and_a_tax_code_twice_is_an_error(tree, actors, programme):
    rows = [["Đối tác mới", "0311111111"], ["Đối tác mới (trùng)", "0311111111"]]
    assert problems_of(check("doi-tac", csv_bytes(PARTNER_HEADER[:2], rows), actors.officer_a, tree.company_a)) == {
        (3, "Mã số thuế", "Trùng với dòng 2: mỗi bản ghi chỉ được ghi một lần trong tệp.")
    }
    # Partner B's tax code is free in unit A: a partner of A with it is a new partner of A.
    outcome = apply("doi-tac", csv_bytes(PARTNER_HEADER[:2], [["Chi nhánh An Giang", "0100000002"]]),
                    actors.officer_a, tree.company_a)
    assert outcome.applied and outcome.new == 1
    assert Partner.objects.filter(tax_code="0100000002").count() == 2


def test_usage_of_a_month_already_recorded_is_updated_not_doubled(tree, actors, programme):
    BenefitUsageFactory(unit=tree.company_a, partner=programme.partner_a, month=date(2026, 3, 1), members_count=10)
    content = csv_bytes(USAGE_HEADER, [["", "03/2026", "1600000001", "", "25", "", ""]])
    outcome = apply("su-dung", content, actors.officer_a, tree.company_a)
    assert outcome.applied and (outcome.new, outcome.updated) == (0, 1)
    assert BenefitUsage.objects.get().members_count == 25


def test_usage_rows_are_checked(tree, actors, programme):
    rows = [
        ["HN-B", "03/2026", "1600000001", "", "5", "", ""],  # row 2: a unit outside the scope
        ["", "13/2026", "", "", "-1", "", ""],  # row 3
        ["", "03/2026", "1600000001", "Khách sạn Công đoàn Hạ Long", "5", "", ""],  # row 4: both
        ["", "04/2026", "0100000002", "", "5", "", ""],  # row 5: partner of unit B
        ["", "05/2026", "1600000001", "", "5", "", ""],  # row 6
        ["AG-CT-A", "5/2026", "1600000001", "", "6", "", ""],  # row 7: the same unit, month, partner
    ]
    assert problems_of(check("su-dung", csv_bytes(USAGE_HEADER, rows), actors.officer_a, tree.company_a)) == {
        (2, "Mã đơn vị", "Đơn vị mã “HN-B” không có trong phạm vi được nhập của bạn."),
        (3, "Tháng", "“13/2026” không phải là tháng hợp lệ (ghi tháng/năm, ví dụ 03/2026)."),
        (3, "Số lượt đoàn viên sử dụng", "“-1” không phải là một số nguyên không âm."),
        (3, "", "Ghi mã số thuế đối tác hoặc tên thiết chế công đoàn."),
        (4, "", "Chỉ ghi một trong hai: mã số thuế đối tác hoặc tên thiết chế."),
        (5, "Mã số thuế đối tác", "Đối tác có mã số thuế “0100000002” không có trong phạm vi của đơn vị."),
        (7, "Tháng", "Trùng với dòng 6: mỗi bản ghi chỉ được ghi một lần trong tệp."),
    }


def test_a_usage_file_needs_a_partner_or_an_institution_column(tree, actors):
    outcome = check("su-dung", csv_bytes(["Tháng", "Số lượt đoàn viên sử dụng"], [["03/2026", "5"]]),
                    actors.officer_a, tree.company_a)
    assert [p.message for p in outcome.file_errors] == [
        "Tệp phải có ít nhất một trong các cột: “Mã số thuế đối tác”, “Tên thiết chế”."
    ]


def test_the_check_reports_progress_batch_by_batch(tree, actors, programme):
    rows = [["1600000001", f"Cửa hàng {n}", f"{n} Lê Lợi", "91"] for n in range(2500)]
    prepared = import_file_prepare(resource="diem-ban", content=csv_bytes(OUTLET_HEADER[:4], rows), filename="a.csv")
    done = []
    outcome = import_file_check(prepared=prepared, user=actors.officer_a, unit=tree.company_a, progress=done.append)
    assert done == [1000, 2000, 2500] and outcome.new == 2500 and Outlet.objects.count() == 0


# --- Export -------------------------------------------------------------------------------------------------


def exported(resource, user, file_format) -> bytes:
    exporter = RESOURCES[resource](user=user)
    return spreadsheets.render_dataset(exporter.export_dataset(), file_format, widths=exporter.column_widths)


def test_export_neutralises_formulas_and_imports_back_unchanged(tree, actors, programme):
    outlet = OutletFactory(
        partner=programme.partner_a, name='=HYPERLINK("http://vi-du.example","Bấm vào")',
        address="+84 Lê Lợi\x07", phone="-0296 3852 123", province=programme.ward_ag.province, ward=programme.ward_ag,
    )
    programme.partner_a.contact_name = "@quản trị"
    programme.partner_a.save()

    as_csv = exported("diem-ban", actors.officer_a, "csv").decode("utf-8-sig")
    assert "\"'=HYPERLINK(\"\"http://vi-du.example\"\",\"\"Bấm vào\"\")\"" in as_csv
    assert ",'+84 Lê Lợi," in as_csv and ",'-0296 3852 123," in as_csv and "\x07" not in as_csv
    assert "'@quản trị" in exported("doi-tac", actors.officer_a, "csv").decode("utf-8-sig")

    as_xlsx = exported("diem-ban", actors.officer_a, "xlsx")
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(as_xlsx)).active.iter_rows() for c in row]
    risky = {c.value: c.data_type for c in cells if isinstance(c.value, str) and c.value[:2] in ("'=", "'+", "'-")}
    assert risky == {'\'=HYPERLINK("http://vi-du.example","Bấm vào")': "s", "'+84 Lê Lợi": "s", "'-0296 3852 123": "s"}
    assert not any(isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")) for c in cells)

    again = apply("diem-ban", as_xlsx, actors.officer_a, tree.company_a, "export.xlsx")
    assert again.applied and (again.new, again.updated) == (0, 1)
    outlet.refresh_from_db()
    assert outlet.name == '=HYPERLINK("http://vi-du.example","Bấm vào")' and outlet.address == "+84 Lê Lợi"
    assert outlet.ward == programme.ward_ag and outlet.phone == "-0296 3852 123"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_an_export_imports_back_without_changes(tree, actors, programme, resource, file_format):
    OfferFactory(agreement=programme.agreement_a, discount_percent=Decimal("12.5"), valid_from=date(2026, 1, 1))
    OfferFactory(agreement=programme.agreement_a, discount_kind="amount", discount_percent=None, discount_amount=50000)
    OutletFactory(partner=programme.partner_a, ward=programme.ward_ag, latitude=Decimal("10.375900"),
                  longitude=Decimal("105.418500"))
    BenefitUsageFactory(unit=tree.company_a, partner=programme.partner_a, month=date(2026, 3, 1), value_million=Decimal("1.5"))
    BenefitUsageFactory(unit=tree.company_a, partner=None, institution=programme.hotel, month=date(2026, 3, 1))
    # TLĐ's partner is visible to officer A but not theirs to change: an export of officer A's
    # own records is what imports back.
    programme.partner_tld.delete()
    before = {m: list(m.objects.order_by("pk").values()) for m in (Partner, Offer, Outlet, BenefitUsage)}
    content = exported(resource, actors.officer_a, file_format)

    outcome = check(resource, content, actors.officer_a, tree.company_a, f"export.{file_format}")
    own = {"doi-tac": 1, "uu-dai": 2, "diem-ban": 1, "su-dung": 2}[resource]
    assert outcome.problems == [] and (outcome.new, outcome.updated) == (0, own)
    assert apply(resource, content, actors.officer_a, tree.company_a, f"export.{file_format}").applied
    model = RESOURCES[resource]._meta.model
    assert list(model.objects.order_by("pk").values()) == [
        {**row, "source": UsageSource.IMPORT} if model is BenefitUsage else row for row in before[model]
    ]


def test_each_user_exports_what_they_may_see(tree, actors, programme):
    OutletFactory(partner=programme.partner_a, name="Cửa hàng An Giang")
    OutletFactory(partner=programme.partner_b, name="Cửa hàng Hà Nội")
    OutletFactory(partner=programme.partner_tld, name="Chi nhánh toàn quốc")

    def names(user):
        dataset = OutletResource(user=user).export_dataset()
        return sorted(dataset["Tên điểm bán"])

    assert names(actors.officer_a) == ["Chi nhánh toàn quốc", "Cửa hàng An Giang"]
    assert names(actors.reviewer_an_giang) == ["Chi nhánh toàn quốc", "Cửa hàng An Giang"]
    assert names(actors.officer_b) == ["Chi nhánh toàn quốc", "Cửa hàng Hà Nội"]
    assert names(actors.member) == []


def test_the_unit_tree_export_and_the_programme_exports_share_one_neutraliser():
    from organizations import resources as unit_resources

    assert unit_resources.neutralise_formula("=1+1") == spreadsheets.safe_cell("=1+1") == "'=1+1"
    assert unit_resources.read_unit_file.__module__ == "organizations.resources"
    assert spreadsheets.safe_cell("a\x00b\x1fc") == "abc" and spreadsheets.safe_cell(-5) == -5
    assert PartnerResource.column_headers()[:3] == ["Mã đối tác", "Tên đối tác", "Mã số thuế"]


def test_an_agreement_number_repeated_in_the_unit_is_reported(tree, actors, programme):
    AgreementFactory(partner=programme.partner_a, number="15/TTHT-CĐCS")
    content = csv_bytes(OFFER_HEADER[:2] + ["Mức giảm (%)"], [["15/TTHT-CĐCS", "Giảm", "5"]])
    assert problems_of(check("uu-dai", content, actors.officer_a, tree.company_a)) == {
        (2, "Số thỏa thuận", "Đơn vị có nhiều thỏa thuận cùng số “15/TTHT-CĐCS”; hãy sửa số thỏa thuận trước.")
    }
    assert Agreement.objects.filter(number="15/TTHT-CĐCS").count() == 2
