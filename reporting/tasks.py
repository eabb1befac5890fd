"""Background jobs of reporting (thin: take an id, call the code that does the work)."""

from celery import shared_task

from reporting.compliance_export import export_job_run


@shared_task(acks_late=True, ignore_result=True)
def run_export_job(job_id: int) -> None:
    """Write a large compliance list (.xlsx) in the background; the job row keeps progress and file."""
    export_job_run(job_id=job_id)
