"""Serializers of the campaigns API.

Built on the programme's serializers (agreements.api.serializers): Vietnamese messages, links
resolved within the caller's scope (a record the caller may not use answers "not found"), the
owning unit forced to the officer's own unit, the model constraints checked before saving.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from agreements.api.serializers import ProgrammeSerializer, UnitOwnedSerializer, related
from agreements.models import Partner
from campaigns.choices import Theme
from campaigns.models import Activity, Article, Campaign, MediaOutlet, Milestone, Phase, Section

NOT_YOURS = _("Không tìm thấy bản ghi này, hoặc bạn không được nhập liệu cho bản ghi này.")


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["id", "name", "starts_on", "ends_on"]


class CampaignSerializer(UnitOwnedSerializer):
    implements = related(Campaign.objects.none(), required=False, allow_null=True)
    themes = serializers.ListField(child=serializers.ChoiceField(choices=Theme.choices), required=False)
    phases = PhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "title", "unit", "unit_name", "implements", "themes", "document_number", "issued_on",
            "legal_basis", "audience", "departments", "phases", "created_at",
        ]
        read_only_fields = ["created_at"]

    def scoped_querysets(self, user) -> dict:
        # A plan implements a plan the caller can see: its own units' or those of the units above.
        return {**super().scoped_querysets(user), "implements": Campaign.objects.visible_to(user)}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # The model's own rule (a plan implements only an upper unit's plan), as the pages check it.
        candidate = Campaign(unit=self.current(attrs, "unit"), implements=self.current(attrs, "implements"))
        try:
            candidate.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class MilestoneSerializer(ProgrammeSerializer):
    campaign = related(Campaign.objects.none(), error_messages={"does_not_exist": NOT_YOURS})

    class Meta:
        model = Milestone
        fields = ["id", "campaign", "title", "due_on", "binds_subtree"]

    def scoped_querysets(self, user) -> dict:
        return {"campaign": Campaign.objects.editable_by(user)}


class MediaOutletSerializer(UnitOwnedSerializer):
    class Meta:
        model = MediaOutlet
        fields = ["id", "unit", "unit_name", "name", "kind", "url", "feed_url"]


class SectionSerializer(ProgrammeSerializer):
    outlet = related(MediaOutlet.objects.none(), error_messages={"does_not_exist": NOT_YOURS})
    outlet_name = serializers.CharField(source="outlet.name", read_only=True)
    campaign = related(Campaign.objects.none(), required=False, allow_null=True)

    class Meta:
        model = Section
        fields = [
            "id", "outlet", "outlet_name", "campaign", "name", "theme", "url", "opened_on", "weekly_quota",
            "runs_banner",
        ]

    def scoped_querysets(self, user) -> dict:
        return {"outlet": MediaOutlet.objects.editable_by(user), "campaign": Campaign.objects.visible_to(user)}


class ArticleSerializer(ProgrammeSerializer):
    constraint_fields = {"article_unique_url_per_section": "url"}
    section = related(Section.objects.none(), error_messages={"does_not_exist": NOT_YOURS})

    class Meta:
        model = Article
        fields = ["id", "section", "title", "url", "published_on", "in_print", "created_at"]
        read_only_fields = ["created_at"]

    def scoped_querysets(self, user) -> dict:
        return {"section": Section.objects.editable_by(user)}


class ActivitySerializer(UnitOwnedSerializer):
    campaign = related(Campaign.objects.none(), required=False, allow_null=True)
    partners = related(Partner.objects.none(), many=True, required=False)

    class Meta:
        model = Activity
        fields = [
            "id", "unit", "unit_name", "campaign", "kind", "title", "held_on", "participants", "copies", "placed_at",
            "partners",
        ]

    def scoped_querysets(self, user) -> dict:
        return {
            **super().scoped_querysets(user),
            "campaign": Campaign.objects.visible_to(user),
            "partners": Partner.objects.visible_to(user),
        }
