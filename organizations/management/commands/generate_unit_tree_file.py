"""`python manage.py generate_unit_tree_file --units 130000 -o /tmp/tree.xlsx`: a national-shaped test file.

TLĐ → 34 provincial federations + 20 sector unions → ~700 intermediate unions → grassroots
unions, the same file for the same arguments (a seeded random generator). For measuring the
importer; nothing is written to the database.
"""

import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.choices import UnitKindCode
from organizations.models import Province
from organizations.resources import COLUMN_HEADERS, write_csv, write_xlsx

SECTORS = [
    ("cd_nganh_tw", "Công đoàn Công Thương Việt Nam"), ("cd_nganh_tw", "Công đoàn Giáo dục Việt Nam"),
    ("cd_nganh_tw", "Công đoàn Y tế Việt Nam"), ("cd_nganh_tw", "Công đoàn Giao thông Vận tải Việt Nam"),
    ("cd_nganh_tw", "Công đoàn Xây dựng Việt Nam"), ("cd_nganh_tw", "Công đoàn Nông nghiệp và Môi trường Việt Nam"),
    ("cd_nganh_tw", "Công đoàn Ngân hàng Việt Nam"), ("cd_nganh_tw", "Công đoàn Viên chức Việt Nam"),
    ("cd_nganh_tw", "Công đoàn Quốc phòng"), ("cd_nganh_tw", "Công đoàn Công an nhân dân"),
    ("cd_tct", "Công đoàn Tập đoàn Điện lực Việt Nam"), ("cd_tct", "Công đoàn Tập đoàn Dầu khí Quốc gia Việt Nam"),
    ("cd_tct", "Công đoàn Tập đoàn Công nghiệp Than – Khoáng sản Việt Nam"),
    ("cd_tct", "Công đoàn Tập đoàn Công nghiệp Cao su Việt Nam"), ("cd_tct", "Công đoàn Tập đoàn Dệt May Việt Nam"),
    ("cd_tct", "Công đoàn Tập đoàn Bưu chính Viễn thông Việt Nam"), ("cd_tct", "Công đoàn Tổng công ty Hàng không Việt Nam"),
    ("cd_tct", "Công đoàn Tổng công ty Đường sắt Việt Nam"), ("cd_tct", "Công đoàn Tổng công ty Hàng hải Việt Nam"),
    ("cd_tct", "Công đoàn Tổng công ty Thuốc lá Việt Nam"),
]
WORKPLACES = ["Công ty TNHH", "Công ty Cổ phần", "Trường Tiểu học", "Trường THCS", "Bệnh viện", "Ủy ban nhân dân xã",
              "Hợp tác xã", "Công ty May", "Nhà máy", "Trung tâm Y tế"]


class Command(BaseCommand):
    help = "Viết một tệp cây đơn vị giả lập quy mô toàn quốc (để đo tốc độ nhập)."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=130_000, help="Tổng số đơn vị (mặc định 130000)")
        parser.add_argument("-o", "--output", required=True, help="Tệp .xlsx hoặc .csv")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--shuffle", action="store_true", help="Xáo trộn thứ tự dòng (cấp dưới trước cấp trên)")

    def handle(self, *args, units: int, output: str, seed: int, shuffle: bool, **options):
        path = Path(output)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("Tệp ghi ra phải có đuôi .xlsx hoặc .csv.")
        provinces = list(Province.objects.order_by("code").values_list("code", "name"))
        if units < 1 + len(provinces) + len(SECTORS) + 1:
            raise CommandError(f"Cần ít nhất {2 + len(provinces) + len(SECTORS)} đơn vị.")
        rows = self.tree_rows(units, provinces, random.Random(seed))
        if shuffle:
            random.Random(seed + 1).shuffle(rows)
        headers = list(COLUMN_HEADERS.values())
        content = write_xlsx(headers, rows) if path.suffix.lower() == ".xlsx" else write_csv(headers, rows)
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} đơn vị → {path} ({len(content) / 1e6:.1f} MB)"))

    @staticmethod
    def tree_rows(total: int, provinces: list[tuple[int, str]], rng: random.Random) -> list[list]:
        rows: list[list] = [["TLD", "Tổng Liên đoàn Lao động Việt Nam", "TLĐ", UnitKindCode.CONFEDERATION, "", "", "Có"]]
        upper: list[tuple[str, int | str, str]] = []  # (code, province, short label) of provinces and sectors
        for code, name in provinces:
            unit_code = f"T{code:02d}"
            rows.append([unit_code, f"Liên đoàn Lao động {name}", f"LĐLĐ {name}", UnitKindCode.PROVINCIAL, "TLD", code, "Có"])
            upper.append((unit_code, code, name))
        for i, (kind, name) in enumerate(SECTORS, start=1):
            unit_code = f"N{i:02d}"
            rows.append([unit_code, name, "", kind, "TLD", "", "Có"])
            upper.append((unit_code, "", name))

        intermediate_count = min(700, max(1, (total - len(rows)) // 185))
        intermediates: list[tuple[str, int | str, str]] = []
        counters: dict[str, int] = {}
        for i in range(intermediate_count):
            # Nineteen in twenty intermediate unions belong to a province.
            parent = upper[i % len(provinces)] if i % 20 else upper[len(provinces) + (i // 20) % len(SECTORS)]
            counters[parent[0]] = counters.get(parent[0], 0) + 1
            unit_code = f"{parent[0]}-H{counters[parent[0]]:03d}"
            province = parent[1] or rng.choice(provinces)[0]
            rows.append([unit_code, f"Công đoàn cấp trên cơ sở số {counters[parent[0]]} – {parent[2]}", "",
                         UnitKindCode.INTERMEDIATE, parent[0], province, "Có"])
            intermediates.append((unit_code, province, parent[2]))

        for n in range(total - len(rows)):
            # 85 % under an intermediate union, the rest directly under a province or sector union.
            parent = rng.choice(intermediates) if rng.random() < 0.85 else rng.choice(upper)
            counters[parent[0]] = counters.get(parent[0], 0) + 1
            unit_code = f"{parent[0]}-{counters[parent[0]]:04d}"
            province = parent[1] or rng.choice(provinces)[0]
            name = f"Công đoàn cơ sở {rng.choice(WORKPLACES)} số {n + 1}"
            rows.append([unit_code, name, "", UnitKindCode.GRASSROOTS, parent[0], province, "Có"])
        return rows
