"""The tree answers "all units under X" by path prefix, whatever the depth."""

from organizations.models import Unit
from unionportal.text import fold


def test_subtree_of_a_province_is_every_unit_below_it(tree):
    assert set(Unit.objects.subtree_of(tree.an_giang).values_list("code", flat=True)) == {
        "AG", "AG-CT", "AG-CT-A", "AG-BV",
    }


def test_children_are_only_the_direct_ones(tree):
    assert set(Unit.objects.children_of(tree.an_giang).values_list("code", flat=True)) == {"AG-CT", "AG-BV"}


def test_ancestor_paths_lead_to_the_root(tree):
    ancestors = Unit.objects.filter(path__in=tree.company_a.ancestor_paths()).order_by("depth")
    assert [u.code for u in ancestors] == ["TLD", "AG", "AG-CT"]


def test_parent_code_is_annotated(tree):
    unit = Unit.objects.with_parent_code().get(pk=tree.company_a.pk)
    assert unit.parent_code == "AG-CT"
    assert Unit.objects.with_parent_code().get(pk=tree.tld.pk).parent_code is None


def test_search_ignores_case_and_diacritics(tree):
    for text in ["bệnh viện", "BENH VIEN", "benh vien", "Bệnh Viện"]:
        assert list(Unit.objects.search(text).values_list("code", flat=True)) == ["AG-BV"], text


def test_fold_meets_old_and_new_tone_placement_and_nfd():
    import unicodedata

    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold(unicodedata.normalize("NFD", "Khách sạn Công đoàn")) == "khach san cong doan"
    assert fold("ĐÀ NẴNG") == "da nang"
