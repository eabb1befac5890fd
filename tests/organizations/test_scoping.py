"""Who sees, edits, reviews and manages which units."""

from organizations.models import RoleAssignment, Unit
from organizations.scoping import get_scope


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_officer_sees_and_edits_only_their_own_unit(actors, tree):
    assert codes(Unit.objects.visible_to(actors.officer_a)) == {"AG-CT-A"}
    assert codes(Unit.objects.editable_by(actors.officer_a)) == {"AG-CT-A"}
    assert codes(Unit.objects.reviewable_by(actors.officer_a)) == set()


def test_reviewer_sees_their_subtree_and_reviews_the_units_below(actors, tree):
    assert codes(Unit.objects.visible_to(actors.reviewer_an_giang)) == {"AG", "AG-CT", "AG-CT-A", "AG-BV"}
    assert codes(Unit.objects.reviewable_by(actors.reviewer_an_giang)) == {"AG-CT", "AG-CT-A", "AG-BV"}
    assert codes(Unit.objects.editable_by(actors.reviewer_an_giang)) == set()


def test_nobody_sees_sideways_or_upward(actors, tree):
    visible = codes(Unit.objects.visible_to(actors.reviewer_an_giang))
    assert "HN" not in visible and "HN-B" not in visible and "TLD" not in visible
    assert codes(Unit.objects.visible_to(actors.officer_b)) == {"HN-B"}


def test_unit_admin_manages_the_people_of_their_subtree(actors, tree):
    assert codes(Unit.objects.manageable_by(actors.admin_an_giang)) == {"AG", "AG-CT", "AG-CT-A", "AG-BV"}
    managed = RoleAssignment.objects.manageable_by(actors.admin_an_giang)
    assert {a.user.username for a in managed} == {"can_bo_a", "duyet_ag", "quan_tri_ag"}


def test_system_admin_reaches_everything(actors, tree):
    assert Unit.objects.visible_to(actors.system_admin).count() == Unit.objects.count()
    assert Unit.objects.editable_by(actors.system_admin).count() == Unit.objects.count()


def test_members_and_anonymous_see_no_internal_unit(actors, tree, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Unit.objects.visible_to(actors.member).exists()
    assert not Unit.objects.visible_to(AnonymousUser()).exists()


def test_scope_is_computed_once_per_user_object(actors, tree, django_assert_num_queries):
    user = actors.reviewer_an_giang
    get_scope(user)
    with django_assert_num_queries(2):  # the two lists, no role lookup
        list(Unit.objects.visible_to(user))
        list(Unit.objects.reviewable_by(user))


def test_nested_assignments_collapse_to_the_outermost_subtree(tree, actors):
    from organizations.choices import Role
    from tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(user=actors.reviewer_an_giang, unit=tree.chau_thanh, role=Role.REVIEWER)
    assert get_scope(actors.reviewer_an_giang).reviewer_paths == (tree.an_giang.path,)
