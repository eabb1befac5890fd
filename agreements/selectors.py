"""Reads that combine several models: the members' catalogue and the complaint counts officers see.

Single-model reads stay QuerySet methods in `agreements/models.py`; what lives here is how the
public catalogue chooses, orders and counts what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from agreements.choices import AgreementScope, ComplaintStatus
from agreements.models import Agreement, Offer, OfferQuerySet
from organizations.models import Province, Unit

# The sorts a member can choose, by the slug the URL carries.
SORT_NEWEST = "moi-nhat"
SORT_DISCOUNT = "giam-nhieu"
SORT_ENDING = "sap-het-han"
SORTS = (SORT_NEWEST, SORT_DISCOUNT, SORT_ENDING)


def offers_published(on: date | None = None) -> OfferQuerySet:
    """Offers members may use on `on` or later: in force now, or starting later.

    Drafts, terminated agreements and anything that ended before `on` are never public, so an
    expired offer disappears the day after its last day without any job running.
    """
    on = on or timezone.localdate()
    live_agreements = Agreement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on), is_draft=False
    ).exclude(terminated_on__lte=on)
    return Offer.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        agreement__in=live_agreements,
    )


def offers_reaching(queryset: OfferQuerySet, *, province: Province | None, unit: Unit | None) -> OfferQuerySet:
    """Offers whose agreement's scope reaches someone in `province` or a member of `unit`.

    Without a province, every scope is listed except agreements for the subtree of a unit that
    has no province (a sector union's members, say): those reach only the members of that
    subtree, so they show only when `unit` is inside it.
    """
    if province is not None:
        return queryset.covering(province=province, unit=unit)
    hidden = Agreement.objects.filter(scope=AgreementScope.SUBTREE, unit__province__isnull=True)
    if unit is not None:
        hidden = hidden.exclude(unit__path__in=[*unit.ancestor_paths(), unit.path])
    # A subquery on the agreements (a hashed NOT IN on PostgreSQL) rather than a condition on the
    # joined agreement and unit: the offers then need no join to be counted (50,000 offers: 21 → 12 ms).
    return queryset.exclude(agreement__in=hidden.order_by().values("pk"))


def offers_sorted(queryset: OfferQuerySet, sort: str) -> QuerySet:
    """Newest first (default), highest discount first, or the soonest to end first."""
    if sort == SORT_DISCOUNT:
        return queryset.order_by_discount()
    if sort == SORT_ENDING:
        # The offer ends at the earlier of its own end and its agreement's; open-ended ones last.
        # Coalesce both ways because SQLite's MIN() of a NULL is NULL (PostgreSQL's LEAST skips it).
        ends_on = Least(
            Coalesce("valid_until", "agreement__valid_until"),
            Coalesce("agreement__valid_until", "valid_until"),
        )
        return queryset.annotate(ends_on=ends_on).order_by(F("ends_on").asc(nulls_last=True), "-id")
    return queryset.order_by("-created_at", "-id")


@dataclass(frozen=True)
class PartnerComplaintCount:
    """Complaints about one partner's outlets and offers: still open (new or in progress) and all."""

    partner_id: int
    partner_name: str
    open: int
    total: int


def complaint_counts_by_partner(queryset) -> list[PartnerComplaintCount]:
    """Open and total complaints per partner of `queryset` (already scoped by the caller), in ONE query.

    Most open complaints first, then most complaints, then by name.
    """
    rows = (
        queryset.order_by()  # an inherited ordering would split the groups
        .values(partner_id=F("offer__agreement__partner_id"), partner_name=F("offer__agreement__partner__name"))
        .annotate(total=Count("pk"), open=Count("pk", filter=~Q(status=ComplaintStatus.CLOSED)))
        .order_by("-open", "-total", "partner_name")
    )
    return [PartnerComplaintCount(**row) for row in rows]
