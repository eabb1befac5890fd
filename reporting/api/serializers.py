"""Serializers of the reporting API: forms, periods, submissions (values, history, issues),
consolidations and the compliance list.

Figures travel as decimal strings ("1234.5") or null: an empty cell (null) and a zero stay
different. Figures sent in may be JSON numbers (preferred) or text typed the Vietnamese way
("1.234,5").
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.models import Unit
from reporting.choices import ComplianceStatus, SubmissionStatus
from reporting.models import (
    Form,
    FormRow,
    FormVersion,
    Period,
    Submission,
    SubmissionTransition,
    SubmissionValue,
)


def figure_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=20, decimal_places=3, allow_null=True, read_only=True, **kwargs)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


# --- forms and periods --------------------------------------------------------------------------


class FormRowSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = FormRow
        fields = [
            "key", "order", "number", "label", "unit", "kind", "kind_display", "parent", "aggregation", "indent",
            "required", "bold", "cells", "prefill",
        ]
        read_only_fields = fields


class FormVersionSerializer(serializers.ModelSerializer):
    columns = serializers.JSONField(read_only=True, help_text="Các cột số liệu: [{key, label, …}].")
    rules = serializers.JSONField(read_only=True, help_text="Các quy tắc kiểm tra giữa các dòng của biểu mẫu.")
    title_block = serializers.SerializerMethodField()
    rows = FormRowSerializer(many=True, read_only=True)

    class Meta:
        model = FormVersion
        fields = ["version", "is_current", "loaded_at", "title_block", "columns", "rules", "rows"]
        read_only_fields = fields

    @extend_schema_field({
        "type": "object",
        "additionalProperties": {"type": "string", "nullable": True},
        "description": "Phần đầu biểu mẫu như in trên giấy (appendix, attachment_note, template_label, content_header).",
    })
    def get_title_block(self, version: FormVersion) -> dict:
        keys = ("appendix", "attachment_note", "template_label", "content_header")
        return {key: version.definition.get(key) for key in keys if key in version.definition}


class FormSerializer(serializers.ModelSerializer):
    period_type_display = serializers.CharField(source="get_period_type_display", read_only=True)
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Form
        fields = [
            "code", "title", "period_type", "period_type_display", "due_day", "due_month", "one_off_due_date",
            "reminder_offsets", "is_active", "current_version",
        ]
        read_only_fields = fields

    @extend_schema_field(FormVersionSerializer(allow_null=True))
    def get_current_version(self, form: Form):
        # `current_versions` is prefetched by the view; a form without a loaded version has none.
        versions = getattr(form, "current_versions", None)
        version = versions[0] if versions else (None if versions is not None else form.current_version)
        return FormVersionSerializer(version, context=self.context).data if version else None


class PeriodSerializer(serializers.ModelSerializer):
    form = serializers.SlugRelatedField(slug_field="code", read_only=True)
    slug = serializers.CharField(read_only=True, help_text="Như trên dòng lệnh và trong đường dẫn: 2026-11 hoặc 2026.")
    label = serializers.CharField(read_only=True)
    deadline = serializers.DateTimeField(
        read_only=True, help_text="Cuối ngày hạn nộp (giờ Việt Nam): gửi lần đầu sau thời điểm này là muộn."
    )

    class Meta:
        model = Period
        fields = ["id", "form", "year", "month", "slug", "label", "starts_on", "ends_on", "due_date", "deadline"]
        read_only_fields = fields


# --- submissions --------------------------------------------------------------------------------


class SubmissionSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    form = serializers.CharField(source="period.form.code", read_only=True)
    form_version = serializers.IntegerField(source="form_version.version", read_only=True)
    period_slug = serializers.CharField(source="period.slug", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    due_date = serializers.DateField(source="period.due_date", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    approved_by = serializers.CharField(source="approved_by.full_name", read_only=True, allow_null=True, default=None)
    version = serializers.IntegerField(
        read_only=True, help_text="Phiên bản lưu (cũng là ETag): gửi lại trong If-Match khi sửa hay chuyển trạng thái."
    )

    class Meta:
        model = Submission
        fields = [
            "id", "unit", "unit_code", "unit_name", "form", "form_version", "period", "period_slug", "period_label",
            "due_date", "status", "status_display", "version", "first_submitted_at", "last_submitted_at",
            "submitted_late", "approved_at", "approved_by", "created_at", "updated_at",
        ]
        read_only_fields = fields


class SubmissionValueSerializer(serializers.ModelSerializer):
    row = serializers.CharField(source="row.key", read_only=True)
    number = figure_field()

    class Meta:
        model = SubmissionValue
        fields = ["row", "column", "number", "text", "source", "source_note", "comment"]
        read_only_fields = fields


class RowCommentSerializer(serializers.Serializer):
    row = serializers.CharField(source="row.key", read_only=True)
    text = serializers.CharField(read_only=True)


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.full_name", read_only=True, allow_null=True, default=None)
    row_comments = RowCommentSerializer(many=True, read_only=True)

    class Meta:
        model = SubmissionTransition
        fields = ["at", "by", "from_status", "to_status", "comment", "row_comments"]
        read_only_fields = fields


class IssueSerializer(serializers.Serializer):
    row = serializers.CharField(source="row_key", help_text="Mã dòng (key) của biểu mẫu.")
    number = serializers.CharField(help_text="Số thứ tự của dòng như in trên mẫu.")
    column = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    message = serializers.CharField()


class SubmissionDetailSerializer(SubmissionSerializer):
    values = SubmissionValueSerializer(many=True, read_only=True)
    history = TransitionSerializer(source="transitions", many=True, read_only=True)
    issues = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "values", "history", "issues"]
        read_only_fields = fields

    @extend_schema_field(IssueSerializer(many=True))
    def get_issues(self, submission: Submission) -> list[dict]:
        """What still stands between an editable report and being sent (errors, unexplained warnings)."""
        if not submission.is_editable:
            return []
        from reporting.services import submission_issues  # noqa: PLC0415 - keeps serializers import-light

        return issues_data(submission, submission_issues(submission))


def issues_data(submission: Submission, issues) -> list[dict]:
    numbers = dict(submission.form_version.rows.values_list("key", "number"))
    return [
        {"row": i.row_key, "number": numbers.get(i.row_key, ""), "column": i.column, "severity": i.severity,
         "message": i.message}
        for i in issues
    ]


class SubmissionOpenSerializer(serializers.Serializer):
    """Open (create, prefilled) the unit's report for a period; an existing report is returned as is."""

    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.none(), help_text="Mã số (id) của đơn vị.",
        error_messages={"does_not_exist": "Không tìm thấy đơn vị này, hoặc bạn không được xem đơn vị này.",
                        "incorrect_type": "Cần mã số (id) của đơn vị.", "required": "Hãy chọn đơn vị."},
    )
    period = serializers.PrimaryKeyRelatedField(
        queryset=Period.objects.select_related("form"), help_text="Mã số (id) của kỳ báo cáo.",
        error_messages={"does_not_exist": "Không có kỳ báo cáo này.", "incorrect_type": "Cần mã số (id) của kỳ báo cáo.",
                        "required": "Hãy chọn kỳ báo cáo."},
    )


@extend_schema_field({
    "oneOf": [{"type": "number"}, {"type": "string"}],
    "nullable": True,
    "description": "Số (nên gửi số JSON) hoặc chữ như người dùng gõ (“1.234,5”); null hoặc \"\" để xóa ô.",
})
class CellValueField(serializers.Field):
    """Whatever a cell may hold as sent: a JSON number, a text, or null."""

    def to_internal_value(self, data):
        if isinstance(data, (bool, dict, list)):
            raise serializers.ValidationError("Giá trị của ô phải là số, chữ hoặc null.")
        return data

    def to_representation(self, value):
        return value


class CellInputSerializer(serializers.Serializer):
    row = serializers.CharField(help_text="Mã dòng (key) của biểu mẫu.", error_messages={"required": "Hãy ghi mã dòng."})
    column = serializers.CharField(default="value", help_text="Cột: “value” với biểu mẫu một cột; “1.name” với bảng cán bộ.")
    value = CellValueField(required=False, allow_null=True)
    comment = serializers.CharField(
        required=False, allow_blank=True, help_text="Giải trình của đơn vị cho cảnh báo ở ô này."
    )


class SubmissionValuesSerializer(serializers.Serializer):
    values = CellInputSerializer(many=True, allow_empty=False, error_messages={
        "empty": "Hãy gửi ít nhất một ô.", "not_a_list": "Cần một danh sách các ô.",
    })


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(
        error_messages={"required": "Hãy ghi ý kiến khi trả lại báo cáo.", "blank": "Hãy ghi ý kiến khi trả lại báo cáo."},
    )
    row_comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict,
        help_text="Ý kiến theo dòng: {mã dòng: ý kiến}.",
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(
        error_messages={"required": "Hãy ghi lý do mở lại báo cáo đã duyệt.",
                        "blank": "Hãy ghi lý do mở lại báo cáo đã duyệt."},
    )


class ConflictSerializer(serializers.Serializer):
    """409 / 412 / 428: why the report was not changed (and, for a refused submission, the issues)."""

    detail = serializers.CharField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices, required=False)
    version = serializers.IntegerField(required=False)
    issues = IssueSerializer(many=True, required=False)


# --- consolidations and compliance --------------------------------------------------------------


class ConsolidationQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, help_text="Mã số (id) của đơn vị; mặc định là đơn vị cao nhất bạn được xem (TLĐ với quản trị hệ thống).",
        error_messages={"invalid": "Cần mã số (id) của đơn vị."},
    )
    form = serializers.CharField(help_text="Mã biểu mẫu: PL01, PL02, PL03, AGIANG.", error_messages={
        "required": "Hãy chọn biểu mẫu (form).", "blank": "Hãy chọn biểu mẫu (form)."})
    period = serializers.CharField(help_text="Kỳ báo cáo: 2026-11 (tháng) hoặc 2026 (năm).", error_messages={
        "required": "Hãy chọn kỳ báo cáo (period), ví dụ 2026-11.", "blank": "Hãy chọn kỳ báo cáo (period), ví dụ 2026-11."})


class BreakdownQuerySerializer(ConsolidationQuerySerializer):
    row = serializers.CharField(help_text="Mã dòng (key) của con số cần xem nguồn.", error_messages={
        "required": "Hãy chọn dòng (row).", "blank": "Hãy chọn dòng (row)."})
    column = serializers.CharField(default="value")


class ComplianceQuerySerializer(ConsolidationQuerySerializer):
    kind = serializers.CharField(required=False, help_text="Mã loại đơn vị, ví dụ cdcs.")
    province = serializers.IntegerField(required=False, help_text="Mã tỉnh/thành phố.", error_messages={
        "invalid": "Cần mã tỉnh/thành phố (số)."})
    status = serializers.ChoiceField(choices=ComplianceStatus.choices, required=False, error_messages={
        "invalid_choice": "“{input}” không phải là một tình trạng hợp lệ."})


class FigureSerializer(serializers.Serializer):
    column = serializers.CharField()
    number = figure_field()
    drillable = serializers.BooleanField(help_text="Xem được nguồn theo từng đơn vị trực thuộc (breakdown).")
    computed = serializers.BooleanField(default=False, help_text="Tính từ các cột khác (ví dụ tỷ lệ %), không cộng dồn.")
    ruled_out = serializers.BooleanField(default=False, help_text="Dòng này không có ô ở cột này.")


class GatheredTextSerializer(serializers.Serializer):
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    text = serializers.CharField()
    is_own = serializers.BooleanField()


class ConsolidatedRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.CharField(source="row.kind")
    bold = serializers.BooleanField()
    indent = serializers.IntegerField()
    is_section = serializers.BooleanField()
    figures = FigureSerializer(many=True)
    texts = GatheredTextSerializer(many=True)


class PendingUnitSerializer(UnitRefSerializer):
    submission_status = serializers.ChoiceField(choices=SubmissionStatus.choices, allow_null=True, read_only=True)


class SubmissionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    version = serializers.IntegerField()


class ConsolidationSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    form = serializers.CharField(source="period.form.code")
    form_version = serializers.IntegerField(source="form_version.version", allow_null=True)
    period = PeriodSerializer()
    columns = serializers.JSONField()
    own_submission = SubmissionRefSerializer(allow_null=True)
    has_units_below = serializers.BooleanField()
    included_units = serializers.IntegerField(help_text="Số đơn vị trực thuộc có báo cáo đã duyệt được cộng vào.")
    pending_count = serializers.IntegerField(help_text="Số đơn vị trực thuộc phải báo cáo mà chưa được duyệt.")
    pending_units = serializers.SerializerMethodField(
        help_text="Các đơn vị chưa được duyệt (tối đa 100, theo cây đơn vị); chỉ với người xem được các đơn vị trực thuộc."
    )
    rows = ConsolidatedRowSerializer(many=True)

    @extend_schema_field(PendingUnitSerializer(many=True))
    def get_pending_units(self, result) -> list[dict]:
        if not self.context.get("sees_below"):
            return []
        return PendingUnitSerializer(result.pending_units[:100], many=True).data


class BreakdownLineSerializer(serializers.Serializer):
    unit = UnitRefSerializer(source="*")
    is_own = serializers.SerializerMethodField()
    contribution = figure_field(help_text="Phần đóng góp; null khi chưa có gì được tính.")
    reports = serializers.IntegerField(allow_null=True, help_text="Số báo cáo đã duyệt mà đơn vị này mang vào.")
    submission_status = serializers.ChoiceField(choices=SubmissionStatus.choices, allow_null=True)

    def get_is_own(self, unit) -> bool:
        return unit.pk == self.context["unit"].pk


class BreakdownSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    period = PeriodSerializer()
    row = serializers.CharField()
    column = serializers.CharField()
    figure = figure_field()
    lines = BreakdownLineSerializer(many=True)


class ComplianceRowSerializer(serializers.Serializer):
    unit = UnitRefSerializer(source="*")
    kind = serializers.CharField(source="kind.code", allow_null=True, default=None)
    kind_name = serializers.CharField(source="kind.name", allow_null=True, default=None)
    province = serializers.IntegerField(source="province_id", allow_null=True)
    province_name = serializers.CharField(source="province.name", allow_null=True, default=None)
    status = serializers.ChoiceField(source="compliance_status", choices=ComplianceStatus.choices)
    status_display = serializers.SerializerMethodField()
    submission = serializers.IntegerField(source="submission_id", allow_null=True)
    first_submitted_at = serializers.DateTimeField(allow_null=True)
    last_submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_late = serializers.BooleanField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)

    def get_status_display(self, unit) -> str:
        return str(ComplianceStatus(unit.compliance_status).label)


class ComplianceStatusCountSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ComplianceStatus.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class ComplianceSummarySerializer(serializers.Serializer):
    expected = serializers.IntegerField(help_text="Số đơn vị phải báo cáo.")
    sent = serializers.IntegerField(help_text="Đã gửi ít nhất một lần (đúng hạn hoặc muộn).")
    sent_on_time = serializers.IntegerField()
    sent_late = serializers.IntegerField()
    not_sent = serializers.IntegerField()
    sent_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    approved_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    by_status = ComplianceStatusCountSerializer(source="rows", many=True)


class ExportJobSerializer(serializers.Serializer):
    detail = serializers.CharField()
    job = serializers.IntegerField()
    status_url = serializers.CharField()
    total_rows = serializers.IntegerField()
