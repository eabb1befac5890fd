"""Forms of the members' catalogue: a member's report about an outlet."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.choices import ComplaintKind
from agreements.models import Offer, Outlet, OutletComplaint


class OutletComplaintForm(forms.ModelForm):
    """What a member saw at an outlet. The outlet is one of the offer's partner's outlets."""

    class Meta:
        model = OutletComplaint
        fields = ["kind", "outlet", "happened_on", "message"]
        labels = {
            "kind": _("Bạn muốn phản ánh điều gì?"),
            "outlet": _("Điểm bán"),
            "happened_on": _("Ngày xảy ra"),
            "message": _("Mô tả thêm"),
        }
        widgets = {
            "kind": forms.RadioSelect,
            # A native date picker on phones; it submits yyyy-mm-dd, an accepted input format.
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "message": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, offer: Offer, has_outlets: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ComplaintKind.choices
        self.fields["outlet"].queryset = Outlet.objects.filter(partner_id=offer.agreement.partner_id)
        # A partner without outlets (a telecom, a bank online) is reported without one.
        self.fields["outlet"].required = has_outlets
        self.fields["outlet"].empty_label = _("— Chọn điểm bán —")
        self.fields["outlet"].error_messages["invalid_choice"] = _("Điểm bán này không thuộc đối tác của ưu đãi.")
        self.fields["happened_on"].required = True
        self.fields["happened_on"].initial = timezone.localdate()

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        if happened_on and happened_on > timezone.localdate():
            raise forms.ValidationError(_("Ngày xảy ra không được sau hôm nay."))
        return happened_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ComplaintKind.OTHER and not (cleaned.get("message") or "").strip():
            self.add_error("message", _("Hãy mô tả vấn đề bạn gặp."))
        return cleaned
