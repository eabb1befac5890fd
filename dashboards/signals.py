"""Forget cached dashboard figures when a report changes state.

Every transition of a submission (opened, sent, returned, approved, reopened) writes one
`SubmissionTransition` row through `reporting.services`; its creation is the one event the
dashboards need, so they listen for it here instead of the services calling into this app.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from dashboards.cache import forget_unit_year
from reporting.models import Submission, SubmissionTransition


@receiver(post_save, sender=SubmissionTransition, dispatch_uid="dashboards-forget-on-transition")
def forget_figures_of_the_report(sender, instance: SubmissionTransition, created: bool, **kwargs) -> None:
    if not created:
        return
    found = Submission.objects.filter(pk=instance.submission_id).values_list("unit__path", "period__year").first()
    if found is None:
        return
    unit_path, year = found
    forget_unit_year(unit_path=unit_path, year=year)
    # Again after the commit: a dashboard read between now and then would cache the old figures.
    transaction.on_commit(lambda: forget_unit_year(unit_path=unit_path, year=year))
