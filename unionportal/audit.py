"""Audit history (Lịch sử thay đổi) of submissions and their values, agreements and units.

The history is kept by django-simple-history: one row per version of an object (who, when,
what kind of change, the whole object as it then was), so "before" is the previous row and
"after" this one. It is written in the same transaction as the change:

- `Model.save()` and `delete()` (forms, the admin, the API, the services): simple-history's
  signals, with the acting user from `acting(user)`, else the request (HistoryRequestMiddleware);
- bulk writes, which send no signal, go through the helpers below (`update`, `bulk_create`,
  `record_rows` after raw SQL), which write the history rows themselves.

PostgreSQL triggers (django-pghistory) would catch every write without this discipline, but the
portal also runs on SQLite (`make run`, the SQLite CI run), where they do not exist. So the
writes that skip signals are forbidden instead: the audited models' querysets refuse `update()`,
`bulk_create()` and `bulk_update()` of tracked fields outside these helpers (`AuditBypass`),
and tests/test_audit_guard.py fails on raw SQL that writes an audited table in a function that
does not record it. See SECURITY.md, "Integrity".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models, transaction
from simple_history.models import HistoricalRecords

# "app_label.ModelName" of every audited model (what tests and the guard check).
AUDITED_MODELS = ("reporting.Submission", "reporting.SubmissionValue", "agreements.Agreement", "organizations.Unit")

_actor: ContextVar = ContextVar("audit_actor", default=None)
_bulk_reason: ContextVar[str | None] = ContextVar("audit_bulk_reason", default=None)


class AuditBypass(RuntimeError):
    """A bulk write of an audited model that would leave no history."""


def history_user(instance=None, request=None, **kwargs):
    """Who made the change: the user of `acting()` (services, tasks, commands), else the request's."""
    actor = _actor.get()
    if actor is not None:
        return actor
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@contextmanager
def acting(user) -> Iterator[None]:
    """Attribute every history row written inside to `user` (a service's `by`)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def history(**kwargs) -> HistoricalRecords:
    """The `history = ...` of an audited model."""
    return HistoricalRecords(get_user=history_user, **kwargs)


def tracked_fields(model: type[models.Model]) -> set[str]:
    """Names and column names of the fields the history keeps for `model`."""
    names: set[str] = set()
    for field in model.history.model.tracked_fields:
        names.update({field.name, field.attname})
    return names


@contextmanager
def _bulk(reason: str) -> Iterator[None]:
    token = _bulk_reason.set(reason)
    try:
        yield
    finally:
        _bulk_reason.reset(token)


@contextmanager
def unaudited(reason: str) -> Iterator[None]:
    """Bulk writes with no history, for generated volume data only (benchmarks, measurements).

    Every use is listed, with its reason, in tests/test_audit_guard.py.
    """
    with _bulk(reason):
        yield


def refuse_unaudited(model: type[models.Model], operation: str, fields: Iterable[str] | None = None) -> None:
    """Raise AuditBypass for a bulk write of tracked fields outside the helpers of this module."""
    if _bulk_reason.get() is not None:
        return
    if fields is not None and not set(fields) & tracked_fields(model):
        return  # e.g. treebeard raising a parent's `numchild`, which the history does not keep
    raise AuditBypass(
        f"{model._meta.label}.objects.{operation}() writes no audit history: use unionportal.audit "
        f"(update, bulk_create, record_rows) instead."
    )


class AuditedQuerySet(models.QuerySet):
    """The queryset of an audited model: bulk writes only through `unionportal.audit`."""

    def update(self, **kwargs):
        refuse_unaudited(self.model, "update", kwargs)
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        refuse_unaudited(self.model, "bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        refuse_unaudited(self.model, "bulk_update", fields)
        return super().bulk_update(objs, fields, *args, **kwargs)


# --- audited bulk writes ----------------------------------------------------------------------


def record(objs: Iterable[models.Model], *, by, reason: str = "", created: bool = False, batch_size: int = 2000) -> int:
    """Write one history row for each of `objs` as they are now; returns how many."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    model.history.bulk_history_create(
        objs, batch_size=batch_size, update=not created, default_user=by if by is not None else history_user(),
        default_change_reason=reason[:100],
    )
    return len(objs)


def record_rows(model: type[models.Model], pks: Iterable[int], *, by, reason: str = "", created: bool = False) -> int:
    """After raw SQL wrote rows of `model`: record them as they now are in the database."""
    pks = list(pks)
    total = 0
    for start in range(0, len(pks), 2000):
        total += record(model._default_manager.filter(pk__in=pks[start : start + 2000]).order_by(),
                        by=by, reason=reason, created=created)
    return total


def update(queryset: models.QuerySet, *, by, reason: str = "", **fields) -> int:
    """`queryset.update(**fields)` with a history row for each row it changed.

    The rows are locked first (PostgreSQL: SELECT … FOR UPDATE re-checks the filter once a
    concurrent writer commits), so a conditional update that loses a race changes nothing and
    records nothing.
    """
    model = queryset.model
    with transaction.atomic(using=queryset.db):
        pks = list(queryset.select_for_update().order_by().values_list("pk", flat=True))
        if not pks:
            return 0
        with _bulk("audit.update"):
            changed = queryset.filter(pk__in=pks).order_by().update(**fields)
        record_rows(model, pks, by=by, reason=reason)
    return changed


def bulk_create(model: type[models.Model], objs: list[models.Model], *, by, reason: str = "",
                batch_size: int = 2000) -> list[models.Model]:
    """`bulk_create` with a history row ("created") for each new row."""
    with transaction.atomic(using=model._default_manager.db), _bulk("audit.bulk_create"):
        created = model._default_manager.bulk_create(objs, batch_size=batch_size)
        if any(obj.pk is None for obj in created):
            raise AuditBypass(f"{model._meta.label}: the database did not return the new ids; cannot audit.")
        record(created, by=by, reason=reason, created=True, batch_size=batch_size)
    return created
