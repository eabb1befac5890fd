"""Forms of the officers' side of campaigns. Choices come from the user's scope (the units they
record for, the plans they see), and the same querysets validate what comes back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.forms import DateField, PortalForm, recording_units
from agreements.models import Partner
from campaigns.choices import Theme
from campaigns.feeds import MAX_FEED_BYTES
from campaigns.models import Activity, Article, Campaign, MediaOutlet, Phase, Section
from unionportal import documents, spreadsheets
from unionportal.documents import DocumentUploadForm


class CampaignForm(PortalForm):
    """A plan's own fields, on the page that creates it and the page that edits it; its phases
    come in `PhaseFormSet` on the same page."""

    themes = forms.MultipleChoiceField(
        label=gettext_lazy("Chủ đề"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Campaign
        fields = ["unit", "title", "implements", "themes", "document_number", "issued_on", "legal_basis",
                  "audience", "departments"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("legal_basis", "audience", "departments")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_unit()
        upper = Campaign.objects.visible_to(self.user)
        if self.instance.implements_id:
            # The plan it implements stays on offer even when the editor cannot open it, or saving
            # the page would silently drop the link.
            upper = upper | Campaign.objects.filter(pk=self.instance.implements_id)
        if self.instance.pk:
            upper = upper.exclude(pk=self.instance.pk)
        self.fields["implements"].queryset = upper.select_related("unit")
        self.fields["implements"].label_from_instance = lambda c: f"{c.title} ({c.unit.name})"
        # Whether the chosen plan is an upper unit's is checked by Campaign.clean().


class PhaseForm(PortalForm):
    """One phase of a plan (phase 1: 07/2017–05/2018), a row of `PhaseFormSet`."""

    class Meta:
        model = Phase
        fields = ["name", "starts_on", "ends_on"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned

    def validate_constraints(self):
        # The date check above already says it next to the field; do not repeat it on top.
        if "ends_on" not in self.errors:
            super().validate_constraints()


PHASE_EXTRA_ROWS = 2

_BasePhaseFormSet = forms.inlineformset_factory(
    Campaign, Phase, form=PhaseForm, fields=["name", "starts_on", "ends_on"], extra=PHASE_EXTRA_ROWS,
    can_delete=True,
)


class PhaseFormSet(_BasePhaseFormSet):
    """The phases of a plan as rows of a table: change a row, tick “Xóa” to remove it, fill one of
    the blank rows to add one (a blank row is ignored). The blank rows come named “Giai đoạn n”."""

    def __init__(self, data=None, *, instance: Campaign, user, **kwargs):
        existing = instance.phases.count() if instance.pk else 0
        initial = [{"name": _("Giai đoạn %(number)d") % {"number": existing + n}} for n in range(1, PHASE_EXTRA_ROWS + 1)]
        super().__init__(data, instance=instance, prefix="phases", initial=initial, form_kwargs={"user": user}, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The columns have headings; these labels are for screen readers, one per row.
        if i == 0:
            labels = (_("Tên giai đoạn"), _("Giai đoạn từ ngày"), _("Giai đoạn đến ngày"))
        else:
            n = {"n": i + 1}
            labels = (_("Tên giai đoạn thứ %(n)d") % n, _("Giai đoạn thứ %(n)d từ ngày") % n,
                      _("Giai đoạn thứ %(n)d đến ngày") % n)
        for name, label in zip(("name", "starts_on", "ends_on"), labels, strict=True):
            form.fields[name].label = label
        return form

    def changes(self) -> tuple[list[Phase], list[Phase]]:
        """After `is_valid()`: the phases to save (new or changed) and the phases to remove."""
        to_save = self.save(commit=False)
        return to_save, list(self.deleted_objects)


class CampaignDocumentForm(DocumentUploadForm):
    """A file of the plan: the signed plan itself, an annex, the upper unit's letter."""

    allowed_types = (documents.PDF, documents.DOCX, documents.JPEG, documents.PNG)
    max_bytes_setting = "CAMPAIGN_DOCUMENT_MAX_BYTES"


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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if refused := spreadsheets.check_upload(upload.name, upload.size):
            raise forms.ValidationError(refused)
        return upload


class FeedFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp RSS/Atom (.xml)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xml,.rss,.atom", "class": "form-control"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FEED_BYTES:
            raise forms.ValidationError(_("Tệp lớn quá %(limit)d MB.") % {"limit": MAX_FEED_BYTES // (1024 * 1024)})
        return upload


__all__ = ["recording_units"]
