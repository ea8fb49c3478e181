"""One normalisation of email addresses (orgs/emails.py), with Unicode look-alikes."""

import string

from hypothesis import given
from hypothesis import strategies as st

from orgs.emails import normalise_email

# Spellings a person reads as the same letter: fullwidth forms, the long s, the Kelvin sign,
# the angstrom sign, mathematical bold, and plain case changes.
CONFUSABLES = {
    "l": ["ｌ", "L", "Ｌ"],
    "e": ["ｅ", "E", "Ｅ"],
    "s": ["ſ", "S", "ｓ", "𝐬"],
    "k": ["K", "K", "ｋ"],
    "a": ["ａ", "A", "𝐚"],
    "d": ["ｄ", "D"],
    "r": ["ｒ", "R"],
    "t": ["ｔ", "T"],
    "x": ["ｘ", "X"],
}
ASCII_LOCAL = st.text(alphabet=string.ascii_lowercase + string.digits + "._-", min_size=1)


@st.composite
def disguised(draw, plain: str) -> str:
    """`plain` with any of its letters swapped for a look-alike, and stray outer spaces."""
    letters = [
        draw(st.sampled_from([c, *CONFUSABLES[c]])) if c in CONFUSABLES else c for c in plain
    ]
    pad = draw(st.sampled_from(["", " ", "\t", "  "]))
    return pad + "".join(letters) + pad


@st.composite
def address_and_disguise(draw):
    plain = f"{draw(ASCII_LOCAL)}@{draw(ASCII_LOCAL)}.test"
    return plain, draw(disguised(plain))


@given(address_and_disguise())
def test_a_look_alike_spelling_normalises_to_the_plain_address(pair):
    plain, disguise = pair
    assert normalise_email(disguise) == plain


@given(st.text())
def test_normalising_twice_changes_nothing(value):
    once = normalise_email(value)
    assert normalise_email(once) == once


@given(st.text())
def test_the_normal_form_survives_allauths_own_lower_casing(value):
    # allauth lower-cases addresses again before storing and comparing them.
    once = normalise_email(value)
    assert once.lower() == once


def test_each_named_look_alike_maps_to_its_plain_spelling():
    assert normalise_email("ｌeader@x.test") == "leader@x.test"  # fullwidth l
    assert normalise_email("x@probe.teſt") == "x@probe.test"  # long s
    assert normalise_email("\u212aate@x.test") == "kate@x.test"  # Kelvin sign
    assert normalise_email("  Jane.Doe@Example.Test ") == "jane.doe@example.test"
    assert normalise_email("STRASSE@x.test") == normalise_email("straße@x.test")
