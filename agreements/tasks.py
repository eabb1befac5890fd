"""Background jobs of the welfare programme (thin: take an id, call the service)."""

from celery import shared_task

from agreements.services import import_job_run


@shared_task(acks_late=True, ignore_result=True)
def run_import_job(job_id: int) -> None:
    """Check or write a large spreadsheet import; the job row keeps progress and result."""
    import_job_run(job_id=job_id)
