"""What the dashboard endpoints take and answer (for validation and the OpenAPI schema)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dashboards.cache import SECTIONS
from dashboards.charts import KINDS

FIRST_YEAR = 2000


class DashboardQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, min_value=1,
        help_text="Mã số (id) của đơn vị; mặc định là đơn vị cao nhất bạn được xem (TLĐ với quản trị hệ thống).",
        error_messages={"invalid": _("Cần mã số (id) của đơn vị."), "min_value": _("Cần mã số (id) của đơn vị.")},
    )
    year = serializers.IntegerField(
        required=False, help_text="Năm, ví dụ 2026; mặc định là năm nay.",
        error_messages={"invalid": _("Năm phải là một số, ví dụ 2026.")},
    )

    def validate_year(self, value: int) -> int:
        last = timezone.localdate().year + 1
        if not FIRST_YEAR <= value <= last:
            raise serializers.ValidationError(
                _("Chọn một năm từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": last}
            )
        return value


class DashboardXlsxQuerySerializer(DashboardQuerySerializer):
    section = serializers.ChoiceField(
        choices=list(SECTIONS), help_text="Phần của bảng điều khiển: reporting, welfare, benefits, campaigns.",
        error_messages={"required": _("Hãy chọn phần của bảng điều khiển (section)."),
                        "invalid_choice": _("Không có phần “{input}” (chọn reporting, welfare, benefits hoặc campaigns).")},
    )
    chart = serializers.CharField(
        required=False, allow_blank=True,
        help_text="Mã biểu đồ (key) trong phần đó; bỏ trống để tải mọi biểu đồ của phần, mỗi biểu đồ một trang tính.",
    )


class DashboardSeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(allow_blank=True, help_text="Đơn vị tính: %, đơn vị, đoàn viên, triệu đồng, …")
    colour = serializers.CharField()
    type = serializers.ChoiceField(choices=["bar", "line"])
    axis = serializers.ChoiceField(choices=["y", "y1"], help_text="y: trục trái; y1: trục phải.")
    table_only = serializers.BooleanField(help_text="Chỉ có trong bảng số liệu, không vẽ.")
    decimals = serializers.IntegerField(help_text="Số chữ số thập phân tối đa.")
    data = serializers.ListField(child=serializers.FloatField(allow_null=True),
                                 help_text="Một số cho mỗi nhãn; null: không có số liệu (ví dụ tháng chưa bắt đầu).")


class DashboardChartSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    caption = serializers.CharField(help_text="Biểu đồ đếm những gì.")
    kind = serializers.ChoiceField(choices=list(KINDS))
    category_label = serializers.CharField(allow_blank=True)
    labels = serializers.ListField(child=serializers.CharField())
    series = DashboardSeriesSerializer(many=True)
    links = serializers.ListField(child=serializers.CharField(allow_null=True),
                                  help_text="Địa chỉ bảng điều khiển của đơn vị ứng với mỗi nhãn (xem chi tiết).")
    horizontal = serializers.BooleanField()
    wide = serializers.BooleanField(help_text="Chiếm cả bề ngang trang.")
    columns = serializers.ListField(child=serializers.DictField(), help_text="Với kind=table: các cột.")
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()),
                                 help_text="Với kind=table: các dòng.")
    row_links = serializers.ListField(child=serializers.CharField(allow_null=True))
    per_unit = serializers.BooleanField(help_text="Nêu tên các đơn vị cấp dưới.")
    restricted = serializers.BooleanField(
        help_text="Số liệu theo từng đơn vị cấp dưới bị ẩn vì bạn không xem được các đơn vị đó."
    )
    note = serializers.CharField(allow_blank=True)
    empty_text = serializers.CharField(allow_blank=True, help_text="Câu hiển thị khi không có số liệu.")


class DashboardUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class DashboardSectionSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=list(SECTIONS))
    title = serializers.CharField()
    unit = DashboardUnitSerializer()
    year = serializers.IntegerField()
    as_of = serializers.DateField(help_text="Ngày tính số liệu.")
    computed_at = serializers.DateTimeField()
    sees_below = serializers.BooleanField(help_text="Bạn xem được các đơn vị cấp dưới (số liệu theo từng đơn vị).")
    charts = DashboardChartSerializer(many=True)
