"""What the portal already knows, offered as starting values when a unit opens a report.

A form row names its source in the data file (`prefill: usage.partner_members`); each source is
a function of the submission returning (number, note). The note tells the officer where the
figure came from; the value stays editable. `sum:PL02.<row key>` sums the row over the unit's
approved reports of that form within the period (the annual report from the monthly ones).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from reporting.choices import SubmissionStatus

Provider = Callable[["Submission"], tuple[Decimal | None, str]]  # noqa: F821
PROVIDERS: dict[str, Provider] = {}


# Sources that take an argument after a colon: `usage.institution_members:union_hotel`.
PARAMETRIC_PROVIDERS: dict[str, Callable[[Submission, str], tuple[Decimal | None, str]]] = {}  # noqa: F821


def provider(name: str):
    def register(function: Provider) -> Provider:
        PROVIDERS[name] = function
        return function

    return register


def prefill_values(submission) -> dict:
    """{(row, column): (number, note)} for every row of the form that names a source."""
    result = {}
    for row in submission.form_version.rows.exclude(prefill=""):
        number, note = _resolve(row.prefill, submission)
        if number is not None:
            result[(row, "value")] = (Decimal(number), note)
    return result


def _resolve(source: str, submission) -> tuple[Decimal | None, str]:
    if source.startswith("sum:"):
        return _sum_of_form(source.removeprefix("sum:"), submission)
    name, _colon, argument = source.partition(":")
    if argument and name in PARAMETRIC_PROVIDERS:
        return PARAMETRIC_PROVIDERS[name](submission, argument)
    function = PROVIDERS.get(source)
    if function is None:
        return None, ""
    return function(submission)


def _sum_of_form(reference: str, submission) -> tuple[Decimal | None, str]:
    from reporting.models import SubmissionValue

    form_code, _dot, row_key = reference.partition(".")
    period = submission.period
    total = SubmissionValue.objects.filter(
        submission__unit_id=submission.unit_id,
        submission__status=SubmissionStatus.APPROVED,
        submission__period__form__code=form_code,
        submission__period__starts_on__gte=period.starts_on,
        submission__period__ends_on__lte=period.ends_on,
        row__key=row_key,
        column="value",
    ).aggregate(total=Sum("number"))["total"]
    return total, _("Cộng các báo cáo %(form)s đã duyệt trong kỳ") % {"form": form_code}


@provider("agreements.signed_in_period")
def agreements_signed_in_period(submission):
    from agreements.models import Agreement

    period = submission.period
    count = Agreement.objects.filter(
        unit_id=submission.unit_id, is_draft=False, signed_on__range=(period.starts_on, period.ends_on)
    ).count()
    return Decimal(count), _("Thỏa thuận của đơn vị ký trong kỳ, theo mục Chương trình phúc lợi")


@provider("agreements.in_force")
def agreements_in_force(submission):
    from agreements.models import Agreement

    count = Agreement.objects.filter(unit_id=submission.unit_id).in_force(submission.period.ends_on).count()
    return Decimal(count), _("Thỏa thuận của đơn vị còn hiệu lực cuối kỳ")


def _usage(submission, **filters):
    from agreements.models import BenefitUsage

    period = submission.period
    return BenefitUsage.objects.filter(
        unit_id=submission.unit_id, month__range=(period.starts_on, period.ends_on), **filters
    )


@provider("usage.partner_members")
def usage_partner_members(submission):
    total = _usage(submission, partner__isnull=False).aggregate(t=Sum("members_count"))["t"]
    return total, _("Số liệu sử dụng ưu đãi của đối tác đã nhập cho đơn vị")


@provider("usage.partner_value")
def usage_partner_value(submission):
    total = _usage(submission, partner__isnull=False).aggregate(t=Sum("value_million"))["t"]
    return total, _("Giá trị ưu đãi đã nhập cho đơn vị (triệu đồng)")


@provider("usage.institution_members")
def usage_institution_members(submission):
    total = _usage(submission, institution__isnull=False).aggregate(t=Sum("members_count"))["t"]
    return total, _("Số lượt sử dụng thiết chế công đoàn đã nhập cho đơn vị")


@provider("usage.units_reached")
def usage_units_reached(submission):
    from agreements.models import BenefitUsage
    from organizations.models import Unit

    period = submission.period
    unit = Unit.objects.get(pk=submission.unit_id)
    count = (
        BenefitUsage.objects.filter(
            unit__path__startswith=unit.path, unit__kind__code="cdcs",
            month__range=(period.starts_on, period.ends_on), members_count__gt=0,
        ).values("unit_id").distinct().count()
    )
    return Decimal(count), _("Công đoàn cơ sở trong đơn vị có số liệu sử dụng ưu đãi trong kỳ")


# Phụ lục 03 splits the members who used union institutions by kind (hotel, university and
# vocational school, cultural house, legal advice), which the monthly Phụ lục 02 does not: those
# rows read the usage figures of the year by institution kind, e.g.
# `usage.institution_members:union_university,vocational_school`.


def _institution_usage(submission, kinds: str):
    from agreements.choices import InstitutionKind

    wanted = [kind.strip() for kind in kinds.split(",") if kind.strip()]
    if not wanted or not set(wanted) <= set(InstitutionKind.values):
        return None, ""
    names = ", ".join(str(InstitutionKind(kind).label).lower() for kind in wanted)
    return _usage(submission, institution__kind__in=wanted), names


def institution_members(submission, kinds: str):
    usages, names = _institution_usage(submission, kinds)
    if usages is None:
        return None, ""
    total = usages.aggregate(t=Sum("members_count"))["t"]
    return total, _("Số lượt đoàn viên sử dụng thiết chế công đoàn (%(kinds)s) đã nhập cho đơn vị trong kỳ") % {
        "kinds": names}


def institution_value(submission, kinds: str):
    usages, names = _institution_usage(submission, kinds)
    if usages is None:
        return None, ""
    total = usages.aggregate(t=Sum("value_million"))["t"]
    return total, _("Giá trị giảm giá tại thiết chế công đoàn (%(kinds)s) đã nhập cho đơn vị trong kỳ (triệu đồng)") % {
        "kinds": names}


PARAMETRIC_PROVIDERS["usage.institution_members"] = institution_members
PARAMETRIC_PROVIDERS["usage.institution_value"] = institution_value
