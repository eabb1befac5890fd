"""Properties of the one Vietnamese text-folding function (unionportal/text.py), which writes every
search key and folds every query: whatever people type, the same words meet on the same key."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from unionportal.text import fold

# Vietnamese letters without marks, the marks that make its vowels (circumflex, breve, horn) and
# its five tones (grave, acute, tilde, hook above, dot below).
BASE = "abcdeghiklmnopqrstuvxyAEIOUYBCDGHKLMNPQRSTVX "
VOWEL_MARKS = ["", "\u0302", "\u0306", "\u031b"]
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


@st.composite
def vietnamese(draw):
    """(plain, written): the same words without marks and as written, precomposed (NFC), with
    đ for some d, in any case."""
    plain = draw(st.text(alphabet=BASE, max_size=30))
    written = []
    for letter in plain:
        if letter.lower() in "aeiouy":
            letter += draw(st.sampled_from(VOWEL_MARKS)) + draw(st.sampled_from(TONES))
        elif letter in "dD" and draw(st.booleans()):
            letter = "đ" if letter == "d" else "Đ"
        written.append(letter)
    form = draw(st.sampled_from(["NFC", "NFD"]))
    return plain, unicodedata.normalize(form, "".join(written))


@given(st.text())
def test_folding_twice_is_folding_once(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_a_folded_key_has_no_marks_and_no_runs_of_spaces(text):
    key = fold(text)
    assert not any(unicodedata.combining(ch) for ch in key)
    assert "  " not in key and key == key.strip()
    assert "đ" not in key


@given(vietnamese())
def test_marks_and_d_with_stroke_do_not_matter(words):
    plain, written = words
    assert fold(written) == fold(plain)


@given(vietnamese())
def test_case_does_not_matter(words):
    _plain, written = words
    assert fold(written.upper()) == fold(written.lower()) == fold(written)


@given(st.text())
def test_precomposed_and_decomposed_input_meet(text):
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


@given(vietnamese(), vietnamese())
def test_a_folded_query_is_found_in_the_folded_key_of_text_containing_it(left, right):
    # What search relies on: fold(query) in fold(name) whenever the name contains the words.
    _p, query = left
    _q, rest = right
    name = f"{rest} {query} {rest}"
    assert fold(query) in fold(name)


def test_known_spellings_meet():
    assert fold("Khách sạn CÔNG ĐOÀN") == fold("khach san cong doan") == "khach san cong doan"
    assert fold("hoà") == fold("hòa") == fold("HOÀ") == "hoa"
    assert fold("  Đà   Nẵng ") == "da nang"
