"""The English translation: what a visitor who picks English sees, and a catalogue with no gaps.

Source strings are Vietnamese; locale/en/LC_MESSAGES/django.po holds the English, compiled to
django.mo (`make messages`). The .po is read by hand because polib is not a dependency.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)")
BRACE_PLACEHOLDER = re.compile(r"\{(\w+)\}")  # DRF's error messages: "{max_length}"


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: flags, msgid, msgid_plural and the msgstr list (obsolete #~ skipped)."""
    entries: list[dict] = []
    entry: dict = {"flags": set(), "msgstr": []}
    field = None

    def finish():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {"flags": set(), "msgstr": []}

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            finish()
            field = None
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += text
            else:
                entry[field] += text
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                field = "msgstr"
                entry["msgstr"].append(text)
            else:
                field = keyword
                entry[keyword] = text
    return entries


def messages() -> list[dict]:
    return [e for e in read_po(PO_PATH) if e["msgid"]]  # the empty msgid is the header


@pytest.fixture
def english(client, db):
    before = translation.get_language()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    yield client
    # CookieLocaleMiddleware activates the language for the thread and leaves it active after the
    # response; without this, tests that run later in the process would see English messages.
    translation.activate(before)


def test_the_anonymous_home_page_speaks_english_after_choosing_it(english):
    page = english.get(reverse("home")).content.decode()

    assert '<html lang="en">' in page
    assert "Offers for union members" in page
    assert "Ưu đãi dành cho đoàn viên" not in page


def test_the_login_page_speaks_english_after_choosing_it(english):
    page = english.get(reverse("login")).content.decode()

    assert "Log in" in page
    assert "Đăng nhập" not in page


def test_every_message_has_an_english_translation():
    entries = messages()

    assert entries, f"{PO_PATH} has no messages"
    untranslated = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"])]
    assert untranslated == []


def test_no_entry_is_fuzzy():
    # msgmerge marks guesses (often wrong) as fuzzy, and compilemessages leaves them out.
    fuzzy = [e["msgid"] for e in read_po(PO_PATH) if "fuzzy" in e["flags"]]
    assert fuzzy == []


def test_translations_keep_the_placeholders_and_plural_forms():
    for e in messages():
        pattern = BRACE_PLACEHOLDER if "python-brace-format" in e["flags"] else PLACEHOLDER
        expected = set(pattern.findall(e["msgid"]))
        assert len(e["msgstr"]) == (2 if "msgid_plural" in e else 1), e["msgid"]
        for text in e["msgstr"]:
            assert set(pattern.findall(text)) == expected, e["msgid"]


def test_the_compiled_catalogue_matches_the_po_file():
    # A .po edited without running compilemessages would leave the site showing the old English.
    with MO_PATH.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    for e in messages():
        context = e.get("msgctxt")
        if "msgid_plural" in e:
            for n, expected in ((1, e["msgstr"][0]), (2, e["msgstr"][1])):
                args = (e["msgid"], e["msgid_plural"], n)
                found = compiled.npgettext(context, *args) if context else compiled.ngettext(*args)
                assert found == expected, e["msgid"]
        else:
            found = compiled.pgettext(context, e["msgid"]) if context else compiled.gettext(e["msgid"])
            assert found == e["msgstr"][0], e["msgid"]
