"""Which units a user may see, edit, review or manage: the one place that answers it.

Every queryset a view, an admin page or the API serves goes through `ScopedQuerySet`
(`.visible_to(user)`, `.editable_by(user)`, `.reviewable_by(user)`, `.manageable_by(user)`),
which turns the user's role assignments into a filter on the unit's materialized path.

- officer: sees and edits their own unit only;
- reviewer: sees their unit and its whole subtree, reviews the units below it;
- unit administrator: sees and manages the people of their unit and its subtree;
- system administrator (or superuser): everything.
Nobody sees sideways or upward; what is public is opened by the model's own queryset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

VIEW = "view"
EDIT = "edit"
REVIEW = "review"
MANAGE = "manage"

_SCOPE_CACHE_ATTR = "_unit_scope"


@dataclass(frozen=True)
class UnitScope:
    """The units a user reaches, by action. Units are given by id (exact) or path (subtree)."""

    is_system_admin: bool = False
    officer_unit_ids: frozenset[int] = field(default_factory=frozenset)
    reviewer_paths: tuple[str, ...] = ()
    admin_paths: tuple[str, ...] = ()
    # Every unit the user holds a role in, for what is opened upwards (an upper unit's plans).
    role_paths: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.is_system_admin or self.officer_unit_ids or self.reviewer_paths or self.admin_paths)

    @property
    def is_staff_like(self) -> bool:
        """May use the administration pages (people, roles, units)."""
        return self.is_system_admin or bool(self.admin_paths)

    def upward_q(self, prefix: str = "") -> Q:
        """A filter for the units above the user's own units (their ancestors, not the units themselves).

        Scoping never opens upwards by itself; a model that shares a record with the units below
        (a plan they implement) widens its own `visible_to` with this.
        """
        from organizations.models import Unit

        step = Unit.steplen
        ancestors = {path[:end] for path in self.role_paths for end in range(step, len(path), step)}
        return Q(**{f"{prefix}path__in": sorted(ancestors)}) if ancestors else Q(pk__in=[])

    def q(self, action: str, prefix: str = "") -> Q:
        """A filter for the units reachable by `action`; `prefix` leads from the model to its unit."""
        if self.is_system_admin:
            # Not an empty Q(): `Q() | other` would shrink to `other` when a model widens its scope.
            return ~Q(pk__in=[])
        path = f"{prefix}path"
        pk = f"{prefix}id" if prefix else "pk"
        nothing = Q(pk__in=[])
        clauses: list[Q] = []
        if action in (VIEW, EDIT) and self.officer_unit_ids:
            clauses.append(Q(**{f"{pk}__in": sorted(self.officer_unit_ids)}))
        if action == VIEW:
            clauses += [Q(**{f"{path}__startswith": p}) for p in self.reviewer_paths + self.admin_paths]
        if action == REVIEW:
            # The units below the reviewer's own, not the reviewer's unit itself.
            clauses += [Q(**{f"{path}__startswith": p}) & ~Q(**{path: p}) for p in self.reviewer_paths]
        if action == MANAGE:
            clauses += [Q(**{f"{path}__startswith": p}) for p in self.admin_paths]
        if not clauses:
            return nothing
        combined = clauses[0]
        for clause in clauses[1:]:
            combined |= clause
        return combined


def get_scope(user) -> UnitScope:
    """The scope of `user`, computed once per user object (so once per request)."""
    if user is None or not user.is_authenticated:
        return UnitScope()
    cached = getattr(user, _SCOPE_CACHE_ATTR, None)
    if cached is not None:
        return cached
    from organizations.choices import Role
    from organizations.models import RoleAssignment

    officer_ids: set[int] = set()
    reviewer_paths: set[str] = set()
    admin_paths: set[str] = set()
    is_system_admin = user.is_superuser
    role_paths: set[str] = set()
    for role, unit_id, path in RoleAssignment.objects.filter(user=user, unit__is_active=True).values_list(
        "role", "unit_id", "unit__path"
    ):
        role_paths.add(path)
        if role == Role.SYSTEM_ADMIN:
            is_system_admin = True
        elif role == Role.OFFICER:
            officer_ids.add(unit_id)
        elif role == Role.REVIEWER:
            reviewer_paths.add(path)
        elif role == Role.UNIT_ADMIN:
            admin_paths.add(path)
    scope = UnitScope(
        is_system_admin=is_system_admin,
        officer_unit_ids=frozenset(officer_ids),
        reviewer_paths=_outermost(reviewer_paths),
        admin_paths=_outermost(admin_paths),
        role_paths=tuple(sorted(role_paths)),
    )
    setattr(user, _SCOPE_CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's roles changed."""
    if hasattr(user, _SCOPE_CACHE_ATTR):
        delattr(user, _SCOPE_CACHE_ATTR)


def _outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path, so filters stay short."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


class ScopedQuerySet(models.QuerySet):
    """A queryset of objects that belong to a unit.

    `unit_field` names the path from the model to its `Unit` ("unit", "agreement__unit");
    the empty string means the model is the unit itself.
    """

    unit_field: str = "unit"

    def _scoped(self, user, action: str):
        prefix = f"{self.unit_field}__" if self.unit_field else ""
        scope = get_scope(user)
        if scope.is_empty:
            return self.none()
        return self.filter(scope.q(action, prefix))

    def for_action(self, user, action: str):
        """Dispatch to the named method, so a model that widens `visible_to` is honoured everywhere."""
        return {VIEW: self.visible_to, EDIT: self.editable_by, REVIEW: self.reviewable_by, MANAGE: self.manageable_by}[
            action
        ](user)

    def visible_to(self, user):
        return self._scoped(user, VIEW)

    def editable_by(self, user):
        return self._scoped(user, EDIT)

    def reviewable_by(self, user):
        return self._scoped(user, REVIEW)

    def manageable_by(self, user):
        return self._scoped(user, MANAGE)
