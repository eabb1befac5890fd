"""Forms of the officers' side of campaigns. Choices come from the user's scope (the units they
record for, the plans they see), and the same querysets validate what comes back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.forms import DateField, PortalForm, recording_units
from agreements.models import Partner
from campaigns.choices import Theme
from campaigns.models import Activity, Article, Campaign, MediaOutlet, Section


class CampaignForm(PortalForm):
    """A plan and its first phase (more phases in the administration site)."""

    themes = forms.MultipleChoiceField(
        label=gettext_lazy("Chủ đề"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    phase_name = forms.CharField(label=gettext_lazy("Giai đoạn"), max_length=100, required=False,
                                 initial=gettext_lazy("Giai đoạn 1"))
    phase_starts_on = DateField(label=gettext_lazy("Giai đoạn từ ngày"), required=False)
    phase_ends_on = DateField(label=gettext_lazy("Giai đoạn đến ngày"), required=False)

    class Meta:
        model = Campaign
        fields = ["unit", "title", "implements", "themes", "document_number", "issued_on", "legal_basis",
                  "audience", "departments"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("legal_basis", "audience", "departments")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_unit()
        self.fields["implements"].queryset = Campaign.objects.visible_to(self.user).select_related("unit")
        self.fields["implements"].label_from_instance = lambda c: f"{c.title} ({c.unit.name})"

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit") or getattr(self.instance, "unit", None)
        upper = cleaned.get("implements")
        if upper and unit and not (unit.path.startswith(upper.unit.path) and unit.depth > upper.unit.depth):
            self.add_error("implements", _("Chỉ thực hiện được kế hoạch của đơn vị cấp trên."))
        starts, ends = cleaned.get("phase_starts_on"), cleaned.get("phase_ends_on")
        if bool(starts) != bool(ends):
            self.add_error("phase_ends_on" if starts else "phase_starts_on", _("Ghi cả ngày bắt đầu và ngày kết thúc."))
        elif starts and ends and ends < starts:
            self.add_error("phase_ends_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned

    def phase(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("phase_starts_on"):
            return None
        return {"name": data.get("phase_name") or _("Giai đoạn 1"), "starts_on": data["phase_starts_on"],
                "ends_on": data["phase_ends_on"]}


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Nội dung"), max_length=255)
    due_on = DateField(label=gettext_lazy("Hạn"))
    binds_subtree = forms.BooleanField(label=gettext_lazy("Áp dụng cho các đơn vị cấp dưới"), required=False, initial=True)


class MilestoneCompletionForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Đơn vị hoàn thành"), empty_label=None)
    done_on = DateField(label=gettext_lazy("Ngày hoàn thành"))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MediaOutletForm(PortalForm):
    class Meta:
        model = MediaOutlet
        fields = ["unit", "name", "kind", "url", "feed_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_unit()


class SectionForm(PortalForm):
    class Meta:
        model = Section
        fields = ["name", "theme", "campaign", "url", "opened_on", "weekly_quota", "runs_banner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(self.user)
        self.fields["weekly_quota"].initial = 2


class ArticleForm(PortalForm):
    class Meta:
        model = Article
        fields = ["title", "url", "published_on", "in_print"]

    def _get_validation_exclusions(self):
        # The section is set by the view: one URL per section must still be checked here.
        exclude = super()._get_validation_exclusions()
        exclude.discard("section")
        return exclude


class ActivityForm(PortalForm):
    class Meta:
        model = Activity
        fields = ["unit", "kind", "title", "held_on", "campaign", "participants", "copies", "placed_at", "partners"]
        widgets = {"partners": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_unit()
        self.fields["campaign"].queryset = Campaign.objects.visible_to(self.user)
        self.fields["partners"].queryset = Partner.objects.visible_to(self.user).order_by("name")


class ArticleFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp (.xlsx hoặc .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}))


class FeedFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp RSS/Atom (.xml)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xml,.rss,.atom", "class": "form-control"}))
    dry_run = forms.BooleanField(label=gettext_lazy("Chỉ kiểm tra, chưa nhập"), required=False)


__all__ = ["recording_units"]
