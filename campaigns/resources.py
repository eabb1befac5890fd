"""Articles of a section from a spreadsheet or an RSS/Atom feed: one django-import-export resource.

`ArticleResource` is a resource of the programme's import machinery (`agreements.resources.
ProgrammeResource`: Vietnamese headers and cell widgets, row errors with the row number and
column, bulk writes, dry run, all or nothing; run by `agreements.services`, section "imports").
A feed file becomes a dataset in the same columns (`campaigns.feeds`), so both sources go
through the same row checks.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from agreements.resources import DateWidget, ProgrammeResource, TextWidget, YesNoWidget
from campaigns.models import Article, Section

# A check shows the articles it would write; a file of more only says how many more.
PREVIEW_ROWS = 500


class ArticleResource(ProgrammeResource):
    """Bài viết of one section, the one the page is for. Every row is a new article: a URL the
    section already has, or one written twice in the file, is a row error, never an update."""

    slug = "bai-viet"
    label = gettext_lazy("Bài viết")
    required_columns = ("title", "url", "published_on")
    aliases = {
        "title": ("Tiêu đề bài", "Tên bài"),
        "url": ("URL", "Link", "Đường dẫn"),
        "published_on": ("Ngày",),
        "in_print": ("Báo giấy", "Đăng báo in"),
    }
    resolved_fields = ("section",)
    computed_fields = ()
    column_widths = (60, 60, 14, 10)

    title = Field(attribute="title", column_name="Tiêu đề", widget=TextWidget())
    url = Field(attribute="url", column_name="Địa chỉ bài", widget=TextWidget())
    published_on = Field(attribute="published_on", column_name="Ngày đăng", widget=DateWidget())
    in_print = Field(attribute="in_print", column_name="Báo in", widget=YesNoWidget())

    class Meta:
        model = Article
        fields = ("title", "url", "published_on", "in_print")
        export_order = fields

    def __init__(self, *, user, section: Section, feed: bool = False):
        # The page checked this already; the resource never writes outside the importer's scope.
        if not Section.objects.editable_by(user).filter(pk=section.pk).exists():
            raise PermissionDenied
        super().__init__(user=user, unit=section.outlet.unit)
        self.section = section
        self.feed = feed  # rows are numbered entries of a feed, not spreadsheet rows
        self.existing_urls: set[str] = set()
        self._urls_looked_up: set[str] = set()
        self.preview: list[tuple[int, Article]] = []
        self._validate_url = URLValidator(schemes=["http", "https"])

    def get_queryset(self):
        return super().get_queryset().filter(section=self.section)

    def identity(self, row):
        return None  # every row is a new article

    def load_existing(self, dataset):
        return {}

    def load_lookups(self, dataset):
        urls = self._column_values(dataset, self.fields["url"].column_name) - self._urls_looked_up
        if urls:
            self._urls_looked_up |= urls
            self.existing_urls.update(
                self._in_chunks(self.get_queryset().values_list("url", flat=True), "url__in", urls)
            )

    def init_instance(self, row=None):
        article = super().init_instance(row)
        article.section = self.section
        return article

    def check_row(self, instance, row, failed):
        problems = []
        if not instance.title and "title" not in failed:
            problems.append(("title", _("Thiếu tiêu đề bài viết.")))
        if instance.published_on is None and "published_on" not in failed:
            problems.append(("published_on", _("Thiếu ngày đăng.")))
        url = instance.url
        if "url" in failed:
            return problems
        if not url:
            problems.append(("url", _("Thiếu địa chỉ bài viết.")))
            return problems
        try:
            self._validate_url(url)
        except ValidationError:
            problems.append(("url", _("“%(url)s” không phải là địa chỉ web hợp lệ.") % {"url": url}))
            return problems
        first = self.first_row_of.setdefault(url, self.current_row)
        if first != self.current_row:
            message = (
                _("Địa chỉ bài trùng với mục %(row)d của tệp.") if self.feed
                else _("Địa chỉ bài trùng với dòng %(row)d của tệp.")
            )
            problems.append(("url", message % {"row": first}))
        elif url in self.existing_urls:
            problems.append(("url", _("Chuyên mục đã có bài viết với địa chỉ này.")))
        return problems

    def before_save_instance(self, instance, row, **kwargs):
        # No search key to compute; what a check would write is kept for the page to show.
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append((self.current_row, instance))
