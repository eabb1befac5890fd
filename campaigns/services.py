"""Writes of the campaigns app that touch several records: a plan with its phases, the files
attached to a plan, a unit completing a milestone, and importing articles into a section (from a
spreadsheet or a feed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from agreements.services import (
    ImportOutcome,
    PreparedImport,
    import_file_apply,
    import_file_check,
    import_file_prepare,
)
from campaigns.models import Article, Campaign, CampaignDocument, Milestone, MilestoneCompletion, Phase, Section
from campaigns.resources import ArticleResource
from organizations.models import Unit, User
from unionportal.documents import delete_with_file, save_with_file

# --- officer ---


@transaction.atomic
def campaign_create(*, campaign: Campaign, phases: Iterable[Phase] = (), by: User | None = None) -> Campaign:
    """Save a new plan with its phases: all of them, or nothing."""
    return _campaign_save(campaign, phases=phases, removed_phases=())


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, phases: Iterable[Phase] = (), removed_phases: Iterable[Phase] = (), by: User | None = None
) -> Campaign:
    """Save an edited plan: its own fields, its new and changed phases, and drop the phases struck
    out. Nothing is written unless all of it is valid."""
    return _campaign_save(campaign, phases=phases, removed_phases=removed_phases)


def _campaign_save(campaign: Campaign, *, phases: Iterable[Phase], removed_phases: Iterable[Phase]) -> Campaign:
    campaign.full_clean()
    campaign.save()
    for phase in removed_phases:
        if phase.campaign_id != campaign.pk:
            raise ValueError(f"phase {phase.pk} is not a phase of plan {campaign.pk}")
        phase.delete()
    for phase in phases:
        phase.campaign = campaign
        phase.full_clean()
        phase.save()
    return campaign


@transaction.atomic
def campaign_document_add(
    *, campaign: Campaign, upload: UploadedFile, content_type: str, original_name: str, by: User
) -> CampaignDocument:
    """Attach a file whose content the caller has checked (unionportal.documents); the stored
    name is random, the original one only a label."""
    document = CampaignDocument(
        campaign=campaign, original_name=original_name[:255], content_type=content_type, size=upload.size,
        uploaded_by=by,
    )
    return save_with_file(document, upload)


@transaction.atomic
def campaign_document_delete(*, document: CampaignDocument, by: User) -> None:
    """Remove a file from its plan; the stored file goes once the deletion is committed."""
    delete_with_file(document)


@transaction.atomic
def milestone_complete(*, milestone: Milestone, unit: Unit, done_on: date, note: str = "", by=None) -> MilestoneCompletion:
    """Record that `unit` has done what `milestone` asks (a second record updates the first)."""
    completion, _created = MilestoneCompletion.objects.update_or_create(
        milestone=milestone, unit=unit, defaults={"done_on": done_on, "note": note}
    )
    return completion


# --- article import ---
# A spreadsheet (.xlsx/.csv) or a feed file (campaigns.feeds) becomes rows for one resource,
# `campaigns.resources.ArticleResource`, run by the programme's import machinery
# (agreements.services, "imports"): a check lists every bad row and writes nothing, a write
# is all or nothing.

# Checked and written within the request, never as a background job (agreements' ImportJob
# knows a unit, not a section): a section carries a few articles a week, and 5,000 rows are
# checked in under a second and written in about half of one, so a longer file is refused.
ARTICLE_IMPORT_MAX_ROWS = 5000


@dataclass
class ArticleImport:
    """What a check found (or a write did), and the articles a check would write, each with its
    row or entry number (the first `PREVIEW_ROWS` of them)."""

    outcome: ImportOutcome
    preview: list[tuple[int, Article]] = field(default_factory=list)


def article_file_prepare(*, content: bytes, filename: str) -> PreparedImport:
    """Read an .xlsx/.csv of articles; raises `SpreadsheetError` for a file that cannot be read."""
    return import_file_prepare(
        resource=ArticleResource, content=content, filename=filename, max_rows=ARTICLE_IMPORT_MAX_ROWS
    )


def articles_import(*, section: Section, prepared: PreparedImport, user: User, dry_run: bool,
                    feed: bool = False) -> ArticleImport:
    """Check every row (`dry_run`), or write them all into `section`, or none.

    A row is wrong when its title or date is missing or unreadable, its URL is not a web address,
    appears twice in the file or is already an article of the section. `feed`: the rows are the
    numbered entries of a feed file (the messages say "mục", not "dòng").
    """
    importer = ArticleResource(user=user, section=section, feed=feed)
    unit = section.outlet.unit
    if dry_run:
        outcome = import_file_check(prepared=prepared, user=user, unit=unit, importer=importer)
        return ArticleImport(outcome, importer.preview if outcome.is_valid else [])
    return ArticleImport(import_file_apply(prepared=prepared, user=user, unit=unit, importer=importer))
