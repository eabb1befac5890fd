"""`manage.py generate_catalogue_data --partners 5000 --offers 50000 --outlets 200000 [--seed 1]`.

National-scale catalogue data for measuring search and the catalogue (see agreements/generation.py).
On PostgreSQL it ends with VACUUM (ANALYZE) of the tables it filled, as a measurement needs.
"""

from django.core.management.base import BaseCommand, CommandError

from agreements.generation import generate_catalogue, vacuum_analyze


class Command(BaseCommand):
    help = "Tạo dữ liệu giả lập quy mô toàn quốc cho danh mục ưu đãi (đối tác, thỏa thuận, ưu đãi, điểm bán) để đo tốc độ."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=5000, help="Số đối tác (mặc định 5000)")
        parser.add_argument("--offers", type=int, default=50_000, help="Số ưu đãi (mặc định 50000)")
        parser.add_argument("--outlets", type=int, default=200_000, help="Số điểm bán (mặc định 200000)")
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên: cùng tham số cho cùng dữ liệu")
        parser.add_argument("--batch-size", type=int, default=5000, help="Số dòng mỗi lần ghi (mặc định 5000)")

    def handle(self, *args, partners, offers, outlets, seed, batch_size, **options):
        if min(partners, offers, outlets) < 0 or batch_size < 1:
            raise CommandError("Các số lượng phải không âm và --batch-size phải lớn hơn 0.")
        if offers and not partners:
            raise CommandError("Cần ít nhất một đối tác để tạo ưu đãi.")
        counts = generate_catalogue(
            partners=partners, offers=offers, outlets=outlets, seed=seed, batch_size=batch_size,
            log=self.stdout.write,
        )
        if vacuum_analyze():
            self.stdout.write("VACUUM (ANALYZE) xong: chỉ mục trigram và thống kê đã cập nhật.")
        total = sum(counts.timings.values())
        self.stdout.write(self.style.SUCCESS(
            f"Xong sau {total:.1f} giây: {counts.partners} đối tác, {counts.agreements} thỏa thuận, "
            f"{counts.offers} ưu đãi, {counts.outlets} điểm bán."
        ))
