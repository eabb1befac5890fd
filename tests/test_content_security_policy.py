"""The Content Security Policy holds on every page: the header is sent, and no page relies on
what it forbids (inline <script>, on*= handlers, <style> elements, javascript: links).

Pages are every route of the route rules (tests/route_rules/) that answers a visitor with 200,
so a page added with its rule is checked without editing this test.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_route_rules import RULES, fetch, visitors  # noqa: F401  (visitors: a fixture)

# Whose pages: the reviewer (the brief's reader of most pages), the officer (forms, entry pages)
# and the anonymous visitor (public catalogue, login).
READERS = ["reviewer", "officer_a", "anonymous"]
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (event handler attribute)")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=\"javascript:…\">")
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            self._in_inline_script = "src" not in attributes and kind not in DATA_SCRIPT_TYPES
        if tag == "style":
            self.problems.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]!r}")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def pages() -> list[tuple[str, str]]:
    return [(name, reader) for name in sorted(RULES) for reader in READERS if RULES[name].expect[reader] == 200]


def test_the_policy_forbids_inline_script_and_framing(client, db):
    header = client.get(reverse("login"))["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}

    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'"]
    # The one documented allowance (settings.py): style="" attributes, never <style> elements.
    assert directives["style-src-attr"] == ["'unsafe-inline'"]
    assert "'unsafe-inline'" not in directives["style-src-elem"]
    assert not any("'unsafe-eval'" in values for values in directives.values())


def test_the_finder_sees_what_the_policy_blocks():
    # Proves the page check below is not vacuous.
    html = (
        '<script>alert(1)</script><script src="/s.js"></script><script type="application/json">{}</script>'
        '<a href="javascript:go()">x</a><button onclick="go()">y</button><style>p{}</style>'
    )
    assert len(inline_code(html)) == 4


@pytest.mark.parametrize("name,reader", pages())
def test_every_page_is_served_under_the_policy_without_inline_code(client, tree, actors, visitors, name, reader):  # noqa: F811
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(tree, actors))

    response = fetch(client, visitors[reader], url)

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    if response.get("Content-Type", "").startswith("text/html"):
        assert inline_code(response.content.decode()) == [], url


def test_the_api_documentation_loads_its_script_from_a_file(client, db):
    page = client.get(reverse("api-docs")).content.decode()

    assert inline_code(page) == []
    script = client.get(reverse("api-docs") + "?script")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
