"""Import and export of the welfare programme: officers (and system administrators) import for
their own unit; everyone with a scope exports what they may see; a background import job is
seen only by the person who started it (and system administrators)."""

from tests.route_rules import LOGIN, Rule, signed_in


def diem_ban(tree, actors):
    return {"resource": "diem-ban"}


def job_of_officer_a(tree, actors):
    from agreements.models import ImportJob

    job = ImportJob.objects.create(
        user=actors.officer_a, unit=tree.company_a, resource="diem-ban",
        file_path="imports/" + "0" * 32 + ".csv", original_name="diem-ban.csv", total_rows=5000,
    )
    return {"pk": job.pk}


RULES = {
    "agreements:import-start": Rule(
        {**signed_in(404), "anonymous": LOGIN, "officer_a": 200, "officer_b": 200, "system_admin": 200},
        kwargs=diem_ban,
    ),
    "agreements:import-job-detail": Rule(
        {**signed_in(404), "anonymous": LOGIN, "officer_a": 200, "system_admin": 200}, kwargs=job_of_officer_a
    ),
    "agreements:export": Rule({**signed_in(200), "member": 404}, kwargs=diem_ban),
}
