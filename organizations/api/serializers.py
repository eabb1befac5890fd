from rest_framework import serializers

from organizations.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    # A unit may have no province (TLĐ, central sector unions): null, as the schema now says.
    province_name = serializers.CharField(source="province.name", read_only=True, default=None, allow_null=True)
    parent_code = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "kind_name",
            "province",
            "province_name",
            "parent_code",
            "depth",
            "is_active",
        ]
        read_only_fields = fields
