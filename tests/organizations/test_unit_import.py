"""Importing and exporting the unit tree: the file, the service, the pages and the commands.

The tree fixture: TLĐ → LĐLĐ An Giang (→ LĐLĐ Châu Thành → CĐCS Công ty A; CĐCS Bệnh viện)
and LĐLĐ Hà Nội (→ CĐCS Công ty B). Named actors: the An Giang unit administrator (may import
under An Giang only), the system administrator (anywhere), officers and a reviewer (no import).
"""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse

from organizations.models import Unit
from organizations.resources import UnitFileError, UnitResource, read_unit_file, render_dataset
from organizations.services import unit_tree_import

HEADER = ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Loại đơn vị", "Mã đơn vị cấp trên", "Mã tỉnh"]


def csv_bytes(rows, header=HEADER, bom=True) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + stream.getvalue()).encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def run(content: bytes, user, *, dry_run: bool, name: str = "don-vi.csv"):
    return unit_tree_import(dataset=read_unit_file(content, name), user=user, dry_run=dry_run)


def errors_of(result):
    return {(e.row, e.column, e.message) for e in result.errors}


def assert_tree_is_sound():
    assert Unit.objects.find_problems() == ([], [], [], [], [])


# Da Nang's rows come children first: the importer has to sort them.
DA_NANG_ROWS = [
    ["DN-H1-2", "Công đoàn cơ sở Cảng Đà Nẵng", "", "cdcs", "DN-H1", "48"],
    ["DN-H1", "Liên đoàn Lao động quận Hải Châu", "", "cd_cap_tren_co_so", "DN", "48"],
    ["DN-H1-1", "Công đoàn cơ sở Khách sạn Sông Hàn", "", "cdcs", "DN-H1", "48"],
    ["DN", "Liên đoàn Lao động thành phố Đà Nẵng", "LĐLĐ Đà Nẵng", "ldld_tinh", "TLD", "48"],
    ["AG-NEW", "Công đoàn cơ sở Trường Tiểu học Long Xuyên", "", "cdcs", "AG", "91"],
]


def test_it_imports_a_csv_tree_in_any_order(tree, actors):
    before = Unit.objects.count()

    checked = run(csv_bytes(DA_NANG_ROWS), actors.system_admin, dry_run=True)
    assert checked.errors == [] and (checked.new, checked.updated) == (5, 0)
    assert Unit.objects.count() == before, "a dry run writes nothing"

    applied = run(csv_bytes(DA_NANG_ROWS), actors.system_admin, dry_run=False)
    assert applied.applied and applied.new == 5
    da_nang = Unit.objects.get(code="DN")
    assert set(Unit.objects.subtree_of(da_nang).values_list("code", flat=True)) == {"DN", "DN-H1", "DN-H1-1", "DN-H1-2"}
    assert {u.code for u in Unit.objects.get_descendants(da_nang)} == {"DN-H1", "DN-H1-1", "DN-H1-2"}
    assert Unit.objects.get_parent(da_nang).code == "TLD" and da_nang.province_id == 48 and da_nang.short_name == "LĐLĐ Đà Nẵng"
    assert Unit.objects.get(code="DN-H1").numchild == 2
    assert Unit.objects.get(code="TLD").numchild == 3
    an_giang = Unit.objects.get(code="AG")
    assert an_giang.numchild == 3 and Unit.objects.get_last_child(an_giang).code == "AG-NEW"
    assert list(Unit.objects.search("khach san song han").values_list("code", flat=True)) == ["DN-H1-1"]
    assert_tree_is_sound()


def test_it_imports_xlsx_with_numbers_as_cells_and_technical_headers(tree, actors):
    rows = [
        [12345.0, "Công đoàn cơ sở Công ty Điện tử", None, "cdcs", "AG-CT", 91],
        ["AG-CT-B", "Công đoàn cơ sở Công ty B An Giang", None, "CDCS", "AG-CT", None],
    ]
    header = ["code", "name", "short_name", "kind", "parent_code", "province"]
    result = run(xlsx_bytes(rows, header), actors.admin_an_giang, dry_run=False, name="tree.xlsx")
    assert result.applied, result.errors
    unit = Unit.objects.get(code="12345")
    assert unit.province_id == 91 and Unit.objects.get_parent(unit).code == "AG-CT" and unit.is_active
    assert Unit.objects.get(code="AG-CT").numchild == 3
    assert_tree_is_sound()


def test_bad_rows_are_listed_with_row_column_and_message_and_nothing_is_written(tree, actors):
    before = list(Unit.objects.values_list("code", "path", "numchild"))
    rows = [
        ["X1", "Công đoàn X1", "", "cdcs", "KHONG-CO", "91"],  # row 2
        ["X2", "Công đoàn X2", "", "abc", "AG", "91"],  # row 3
        ["X3", "Công đoàn X3", "", "cdcs", "AG", "99"],  # row 4
        ["X4", "Công đoàn X4", "", "cdcs", "AG", "91"],  # row 5
        [],  # row 6: a blank line does not shift the numbering
        ["X4", "Công đoàn X4 lặp", "", "cdcs", "AG", "91"],  # row 7
        ["X5", "", "", "cdcs", "AG", "91"],  # row 8
        ["X6", "Công đoàn X6", "", "cdcs", "X7", ""],  # row 9
        ["X7", "Công đoàn X7", "", "cdcs", "X6", ""],  # row 10
        ["X8", "Công đoàn X8", "", "cdcs", "X1", ""],  # row 11: below a bad row, nothing more to say
    ]
    for dry_run in (True, False):
        result = run(csv_bytes(rows), actors.system_admin, dry_run=dry_run)
        assert not result.applied
        assert errors_of(result) == {
            (2, "Mã đơn vị cấp trên", "Mã đơn vị cấp trên “KHONG-CO” không tồn tại trong tệp hoặc trong phạm vi của bạn"),
            (3, "Loại đơn vị", "Loại đơn vị “abc” không hợp lệ (dùng một trong: cd_cap_tren_co_so, cd_nganh_tw, "
                               "cd_tct, cdcs, ldld_tinh, tld)"),
            (4, "Mã tỉnh", "Mã tỉnh “99” không có"),
            (7, "Mã đơn vị", "Mã đơn vị bị trùng với dòng 5"),
            (8, "Tên đơn vị", "Thiếu tên đơn vị"),
            (9, "Mã đơn vị cấp trên", "Mã đơn vị cấp trên tạo thành vòng lặp giữa các dòng 9, 10"),
            (10, "Mã đơn vị cấp trên", "Mã đơn vị cấp trên tạo thành vòng lặp giữa các dòng 9, 10"),
        }
    assert list(Unit.objects.values_list("code", "path", "numchild")) == before


def test_one_bad_row_stops_the_whole_file(tree, actors):
    rows = [*DA_NANG_ROWS, ["DN-H1-3", "Công đoàn cơ sở thiếu loại", "", "", "DN-H1", "48"]]
    result = run(csv_bytes(rows), actors.system_admin, dry_run=False)
    assert not result.applied
    assert errors_of(result) == {(7, "Loại đơn vị", "Thiếu loại đơn vị")}
    assert not Unit.objects.filter(code__startswith="DN").exists()
    assert not Unit.objects.filter(code="AG-NEW").exists()


def test_a_write_that_fails_half_way_leaves_nothing_behind(tree, actors, monkeypatch):
    from organizations import services

    real_write = services._write

    def write_then_collide(plan):
        real_write(plan)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "_write", write_then_collide)
    result = run(csv_bytes(DA_NANG_ROWS), actors.system_admin, dry_run=False)
    assert not result.applied
    assert [e.message for e in result.file_errors] == [
        "Cây đơn vị vừa được người khác thay đổi trong lúc nhập; chưa có gì được ghi. Hãy nhập lại."
    ]
    assert not Unit.objects.filter(code__in=["DN", "AG-NEW"]).exists()
    assert Unit.objects.get(code="AG").numchild == 2


def test_missing_or_unknown_columns_are_a_file_error(tree, actors):
    result = run(csv_bytes([["A", "B"]], header=["Mã đơn vị", "Tên", "Loại đơn vị"]), actors.system_admin, dry_run=True)
    messages = [e.message for e in result.file_errors]
    assert any("Cột “Tên” không được hỗ trợ" in m for m in messages)
    assert any("Tệp thiếu cột: “Tên đơn vị”, “Mã đơn vị cấp trên”" in m for m in messages)
    assert result.row_errors == []


def test_a_file_that_is_not_really_xlsx_is_refused_in_vietnamese():
    with pytest.raises(UnitFileError, match="không phải là tệp Excel .xlsx hợp lệ"):
        read_unit_file(b"Ma don vi,Ten don vi\n", "tree.xlsx")
    with pytest.raises(UnitFileError, match="UTF-8"):
        read_unit_file(b"T\xean \xf0\xf5n v\xec\n", "tree.csv")  # Windows-1258, not UTF-8


def test_csv_without_bom_and_with_semicolons_reads_the_same(tree, actors):
    content = csv_bytes(DA_NANG_ROWS, bom=False).decode().replace(",", ";").encode()
    result = run(content, actors.system_admin, dry_run=True)
    assert result.errors == [] and result.new == 5


def test_unit_admin_imports_only_under_their_own_subtree(tree, actors):
    before = Unit.objects.count()
    rows = [
        ["AG-X", "Công đoàn cơ sở mới ở An Giang", "", "cdcs", "AG", "91"],  # row 2: fine
        ["HN-X", "Công đoàn cơ sở mới ở Hà Nội", "", "cdcs", "HN", "1"],  # row 3: outside
        ["HN-B", "Đổi tên đơn vị của Hà Nội", "", "cdcs", "HN", "1"],  # row 4: outside
        ["ROOT", "Một gốc mới", "", "tld", "", ""],  # row 5: only system admins
    ]
    result = run(csv_bytes(rows), actors.admin_an_giang, dry_run=False)
    assert not result.applied
    assert errors_of(result) == {
        (3, "Mã đơn vị cấp trên", "Mã đơn vị cấp trên “HN” không tồn tại trong tệp hoặc trong phạm vi của bạn"),
        (4, "Mã đơn vị", "Mã đơn vị “HN-B” đã được dùng cho một đơn vị ngoài phạm vi quản lý của bạn"),
        (5, "Mã đơn vị cấp trên",
         "Chỉ quản trị hệ thống được tạo đơn vị cấp cao nhất; hãy ghi mã đơn vị cấp trên"),
    }
    assert Unit.objects.count() == before
    assert Unit.objects.get(code="HN-B").name == "Công đoàn cơ sở Công ty B"


def test_existing_units_are_updated_but_not_moved(tree, actors):
    rows = [
        ["AG-BV", "Công đoàn Bệnh viện Đa khoa An Giang", "CĐ BVĐK", "cdcs", "AG", "91"],
        ["AG-CT-A", "Công đoàn cơ sở Công ty A", "", "cdcs", "AG-CT", "91"],
    ]
    result = run(csv_bytes(rows), actors.admin_an_giang, dry_run=False)
    assert result.applied and (result.new, result.updated, result.unchanged) == (0, 1, 1)
    hospital = Unit.objects.get(code="AG-BV")
    assert hospital.short_name == "CĐ BVĐK" and "benh vien da khoa" in hospital.search_key

    moved = run(csv_bytes([["AG-BV", "Công đoàn Bệnh viện", "", "cdcs", "AG-CT", "91"]]), actors.admin_an_giang, dry_run=False)
    assert errors_of(moved) == {
        (2, "Mã đơn vị cấp trên",
         "Không chuyển đơn vị “AG-BV” sang cấp trên khác bằng tệp nhập (cấp trên hiện tại: “AG”)")
    }
    assert Unit.objects.get_parent(Unit.objects.get(code="AG-BV")).code == "AG"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_round_trips(tree, actors, file_format):
    content = render_dataset(UnitResource().export(Unit.objects.visible_to(actors.system_admin)), file_format)
    result = run(content, actors.system_admin, dry_run=True, name=f"export.{file_format}")
    assert result.errors == []
    assert (result.new, result.updated, result.unchanged) == (0, 0, Unit.objects.count())


def test_formulas_are_neutralised_on_export_and_come_back_unchanged(tree, actors):
    tree.company_a.name = '=HYPERLINK("http://example.com","Bấm")'
    tree.company_a.short_name = "+1"
    tree.company_a.save()
    dataset = UnitResource().export(Unit.objects.visible_to(actors.system_admin))

    exported_csv = render_dataset(dataset, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK(" in exported_csv and ",'+1," in exported_csv

    exported_xlsx = render_dataset(dataset, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported_xlsx)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [(c.value[:11], c.data_type) for c in cells] == [("'=HYPERLINK", "s")]

    again = run(exported_xlsx, actors.system_admin, dry_run=True, name="export.xlsx")
    assert again.errors == [] and again.updated == 0


# --- The pages -------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, content: bytes, name: str = "don-vi.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("organizations:unit-import"), {"file": file})


def test_the_page_lists_bad_rows_and_writes_nothing(client, actors, media):
    client.force_login(actors.admin_an_giang)
    before = Unit.objects.count()
    page = upload(client, csv_bytes([["AG-X", "Công đoàn mới", "", "cdcs", "HN", "91"]])).content.decode()
    assert "Tệp có lỗi ở 1 dòng" in page
    assert "<td class=\"num\">2</td>" in page and "Mã đơn vị cấp trên “HN” không tồn tại" in page
    assert "Xác nhận nhập" not in page
    assert Unit.objects.count() == before and list(media.rglob("*.csv")) == []


def test_a_good_file_is_checked_then_applied_on_confirmation(client, actors, media):
    client.force_login(actors.admin_an_giang)
    response = upload(client, xlsx_bytes([["AG-X", "Công đoàn cơ sở Chợ Long Xuyên", "", "cdcs", "AG", 91]]), "a.xlsx")
    page = response.content.decode()
    assert "1 đơn vị mới" in page and "Xác nhận nhập" in page
    assert not Unit.objects.filter(code="AG-X").exists()
    token = response.context["token"]

    confirmed = client.post(reverse("organizations:unit-import"), {"token": token}, follow=True)
    assert "1 đơn vị mới" in confirmed.content.decode()
    assert Unit.objects.get_parent(Unit.objects.get(code="AG-X")).code == "AG"
    assert list(media.rglob("*.xlsx")) == [], "the staged file is removed once applied"

    replay = client.post(reverse("organizations:unit-import"), {"token": token}, follow=True)
    assert "Phiên nhập đã hết hạn" in replay.content.decode()


def test_a_token_is_useless_to_another_administrator(client, actors, media):
    client.force_login(actors.admin_an_giang)
    token = upload(client, csv_bytes([["AG-X", "Công đoàn mới", "", "cdcs", "AG", "91"]])).context["token"]
    client.force_login(actors.system_admin)
    page = client.post(reverse("organizations:unit-import"), {"token": token}, follow=True).content.decode()
    assert "Phiên nhập đã hết hạn" in page and not Unit.objects.filter(code="AG-X").exists()


def test_a_broken_file_is_reported_next_to_the_upload_field(client, actors, media):
    client.force_login(actors.system_admin)
    page = upload(client, b"not a zip", "tree.xlsx").content.decode()
    assert "không phải là tệp Excel .xlsx hợp lệ" in page
    page = upload(client, b"x", "tree.txt").content.decode()
    assert "Chỉ nhận tệp .xlsx hoặc .csv" in page


@pytest.mark.parametrize("who", ["officer_a", "reviewer_an_giang", "member"])
def test_people_who_do_not_administer_units_get_404(client, actors, who):
    client.force_login(getattr(actors, who))
    assert client.get(reverse("organizations:unit-import")).status_code == 404


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("organizations:unit-import"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("organizations:unit-export")).status_code == 302


def test_export_gives_each_user_their_visible_units(client, actors):
    client.force_login(actors.reviewer_an_giang)
    response = client.get(reverse("organizations:unit-export"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.csv"')
    codes = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]
    assert codes == ["AG", "AG-CT", "AG-CT-A", "AG-BV"]

    xlsx = client.get(reverse("organizations:unit-export"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(actors.member)
    assert client.get(reverse("organizations:unit-export")).status_code == 404


# --- The commands ----------------------------------------------------------------------------------


def test_the_commands_generate_import_and_export_a_national_shaped_tree(db, tmp_path, capsys):
    tree_file = tmp_path / "tree.csv"
    call_command("generate_unit_tree_file", units=400, output=str(tree_file), shuffle=True)
    call_command("import_units", str(tree_file), dry_run=True)
    assert Unit.objects.count() == 0
    call_command("import_units", str(tree_file))
    assert Unit.objects.count() == 400 and "400 mới" in capsys.readouterr().out
    assert_tree_is_sound()
    assert Unit.objects.filter(depth=2).count() == 54

    exported = tmp_path / "export.xlsx"
    call_command("export_units", output=str(exported))
    call_command("import_units", str(exported), dry_run=True)
    assert "400 không đổi" in capsys.readouterr().out


def test_import_command_fails_with_the_errors(tree, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["AG-X", "Công đoàn mới", "", "xyz", "AG", "91"]]))
    with pytest.raises(CommandError, match="1 lỗi, không ghi gì"):
        call_command("import_units", str(bad), as_user=None)
    assert "dòng 2, cột “Loại đơn vị”: Loại đơn vị “xyz” không hợp lệ" in capsys.readouterr().err
