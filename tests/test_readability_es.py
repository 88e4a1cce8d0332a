"""The Spanish readability measure: syllables, words and sentences, and the INFLESZ score, on tiny fixtures."""

from __future__ import annotations

import pytest
import textstat

from ivig_guide.readability import (
    INFLESZ_EMERGENCY_LIMIT,
    INFLESZ_READER_LIMIT,
    article_text,
    inflesz,
    inflesz_band,
    smog,
    spanish_number_words,
    spanish_sentences,
    spanish_syllables,
    spanish_words,
    szigriszt_pazos,
)

# (word, syllables): one row per rule of Spanish syllable division, with the words a counter most often gets wrong.
SYLLABLES = [
    # accented vowels, and two strong vowels in a row (hiatus)
    ("reacción", 3),  # re-ac-ción: e-a hiatus, then the diphthong ió
    ("alérgica", 4),
    ("ahora", 3),  # a-ho-ra: a silent h does not join the vowels
    ("epinefrina", 5),
    ("inmunoglobulina", 7),
    ("aéreo", 4),
    ("leer", 2),
    ("poeta", 3),
    ("héroe", 3),
    ("caer", 2),
    ("antibiótico", 5),
    ("intravenosa", 5),
    ("anafilaxia", 5),  # a-na-fi-la-xia
    # an accented í or ú next to a strong vowel breaks the diphthong
    ("día", 2),
    ("país", 2),
    ("oír", 2),
    ("baúl", 2),
    ("maíz", 2),
    ("reír", 2),
    ("oído", 3),
    ("frío", 2),
    ("búho", 2),
    ("ahí", 2),
    # diphthongs (weak + strong, strong + weak, weak + weak) and triphthongs
    ("ciudad", 2),
    ("cuidado", 3),
    ("ruido", 2),
    ("piel", 1),
    ("siete", 2),
    ("huevo", 2),
    ("agua", 2),
    ("miau", 1),
    ("limpiáis", 2),
    ("quien", 1),
    ("guion", 1),
    # silent u in que, qui, gue, gui; a spoken ü in güe, güi
    ("queso", 2),
    ("quiero", 2),
    ("guerra", 2),
    ("guía", 2),
    ("guiso", 2),
    ("pingüino", 3),
    ("cigüeña", 3),
    ("averigüéis", 4),
    # y is a vowel at the end of a word after a vowel, and alone; a consonant elsewhere
    ("hoy", 1),
    ("muy", 1),
    ("rey", 1),
    ("hay", 1),
    ("Uruguay", 3),
    ("buey", 1),
    ("y", 1),
    ("ayuda", 3),
    ("yo", 1),
    # capitals and punctuation do not change a word
    ("Anafilaxia.", 5),
    ("(náuseas)", 3),
    ("¿Duele?", 2),
    # initialisms are read letter by letter, with the letters' Latin-American names
    ("IVIg", 4),  # i-ve-i-ge
    ("IgG", 3),  # i-ge-ge
    ("SCIg", 5),  # e-se-ce-i-ge
    ("EpiPen", 3),  # a brand read as a word: e-pi-pen
    # numbers are read as words
    ("3", 1),  # tres
    ("15", 2),  # quin-ce
    ("72", 5),  # se-ten-ta-y-dos
    ("911", 6),  # no-ve-cien-tos-on-ce
    ("2022", 5),  # dos-mil-vein-ti-dós
    ("74%", 6),  # se-ten-ta-y-cua-tro
    ("", 0),
    ("—", 0),
]


@pytest.mark.parametrize(("word", "count"), SYLLABLES, ids=[word or "empty" for word, _ in SYLLABLES])
def test_spanish_syllables(word: str, count: int) -> None:
    """Count the syllables of a Spanish word as it is divided and read aloud."""
    assert spanish_syllables(word) == count


NUMBERS = [
    (0, "cero"),
    (1, "uno"),
    (15, "quince"),
    (21, "veintiuno"),
    (29, "veintinueve"),
    (38, "treinta y ocho"),
    (72, "setenta y dos"),
    (100, "cien"),
    (101, "ciento uno"),
    (911, "novecientos once"),
    (1000, "mil"),
    (2020, "dos mil veinte"),
    (15_000, "quince mil"),
]


@pytest.mark.parametrize(("number", "words"), NUMBERS)
def test_spanish_number_words(number: int, words: str) -> None:
    """Spell a number the way it is read, to count its syllables."""
    assert spanish_number_words(number) == words


def test_spanish_number_words_refuses_what_it_cannot_spell() -> None:
    """Refuse a number it has no words for, and count a long one digit by digit."""
    with pytest.raises(ValueError, match="out of range"):
        spanish_number_words(1_000_000)
    assert spanish_syllables("1234567") == sum(spanish_syllables(digit) for digit in "1234567")


def test_words_and_sentences() -> None:
    """Split words at spaces, dashes and slashes, and sentences after a stop and a space."""
    assert spanish_words("En 5–15 minutos, y/o — ¡ya!") == ["En", "5", "15", "minutos,", "y", "o", "¡ya!"]
    text = "¿Duele? Un poco. Luego se va.\nSí.\n...\nMás del 90% es IgG."
    assert spanish_sentences(text) == ["¿Duele?", "Un poco.", "Luego se va.", "Sí.", "Más del 90% es IgG."]


def test_szigriszt_pazos_formula() -> None:
    """Score 206.835 − 62.3 × syllables per word − words per sentence."""
    # La(1) casa(2) es(1) roja(2): 6 syllables, 4 words, 1 sentence.
    assert szigriszt_pazos("La casa es roja.") == pytest.approx(206.835 - 62.3 * 6 / 4 - 4)
    # Two sentences: sol(1) / la(1) luna(2) sale(2): 6 syllables, 4 words.
    assert szigriszt_pazos("Sol.\nLa luna sale.") == pytest.approx(206.835 - 62.3 * 6 / 4 - 4 / 2)
    assert szigriszt_pazos("") == 0.0


def test_inflesz_reads_the_article_like_the_english_check() -> None:
    """Score the article's blocks as sentences, leaving out furniture and code, like SMOG does."""
    page = """<nav><p>Menú de la página principal con palabras larguísimas</p></nav><article>
    <h1>La casa</h1><p>Es roja</p><pre><code>inmunoglobulina intravenosa</code></pre>
    <aside class="pg-page-meta"><p class="pg-review">Última revisión</p></aside></article>"""
    assert article_text(page).splitlines() == ["La casa.", "Es roja."]
    # La(1) casa(2) / Es(1) roja(2): 6 syllables, 4 words, 2 sentences.
    assert inflesz(page) == pytest.approx(206.835 - 62.3 * 6 / 4 - 2)


def test_a_hard_sentence_scores_lower_than_a_plain_one() -> None:
    """Score long words in long sentences as harder than short words in short ones."""
    hard = "<p>La administración intravenosa de inmunoglobulina humana inespecífica puede ocasionar anafilaxia.</p>"
    plain = "<p>La IVIg entra por la vena. A veces causa una alergia grave.</p>"
    assert inflesz(hard) < INFLESZ_READER_LIMIT <= INFLESZ_EMERGENCY_LIMIT < inflesz(plain)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (95.0, "muy fácil"),
        (80.0, "muy fácil"),
        (79.9, "bastante fácil"),
        (65.0, "bastante fácil"),
        (64.9, "normal"),
        (55.0, "normal"),
        (54.9, "algo difícil"),
        (40.0, "algo difícil"),
        (39.9, "muy difícil"),
        (-20.0, "muy difícil"),
    ],
)
def test_inflesz_bands(score: float, band: str) -> None:
    """Name the INFLESZ band of a score, with the bands' lower bounds included."""
    assert inflesz_band(score) == band


def test_limits() -> None:
    """Keep the agreed limits: 60 on reader pages, 65 (bastante fácil) with emergency content."""
    assert (INFLESZ_READER_LIMIT, INFLESZ_EMERGENCY_LIMIT) == (60.0, 65.0)
    assert inflesz_band(INFLESZ_EMERGENCY_LIMIT) == "bastante fácil"


ENGLISH = (
    "<article><p>Some people need more than one shot of epinephrine. If the signs do not get better in 5 to 15 "
    "minutes, or if they come back, use a second pen if they have one. Anaphylaxis is a severe allergic reaction "
    "that can be life threatening, and its symptoms develop suddenly.</p></article>"
)


def test_spanish_score_leaves_english_smog_alone() -> None:
    """Score Spanish without switching textstat's global language, so English SMOG scores do not change."""
    before = smog(ENGLISH)
    syllables_before = textstat.syllable_count("reaction")
    inflesz("<p>Una reacción alérgica grave se llama anafilaxia.</p>")
    assert smog(ENGLISH) == before
    assert textstat.syllable_count("reaction") == syllables_before == 3


@pytest.mark.parametrize(("number", "syllables"), [("911", 6), ("999", 6), ("112", 5), ("000", 6)])
def test_emergency_numbers_are_read_digit_by_digit(number: str, syllables: int) -> None:
    """Count an emergency number as it is said, a digit at a time ("nueve uno uno"), whatever the clinic's number."""
    assert spanish_syllables(number, digit_by_digit={number}) == syllables
