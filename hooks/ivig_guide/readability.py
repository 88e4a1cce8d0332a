"""Readability of the guide's pages: the text a reader reads, its SMOG grade, and in Spanish its INFLESZ score.

A page's text is taken from its ``<article>`` only, without page furniture
(review dates, the care-team line, permalinks) and without code. Every block
of text -- a paragraph, a list item, a heading, a table cell, a definition --
counts as one sentence, because that is how a reader takes it in, and because
lists and headings seldom end with a full stop.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import lxml.html
import textstat

from ivig_guide.article import parse_article

#: Highest SMOG grade allowed on a page for patients.
READER_LIMIT = 8.0
#: Highest SMOG grade allowed on a page with emergency content.
EMERGENCY_LIMIT = 7.0

#: Elements whose own text is one sentence.
SENTENCE_TAGS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption", "summary"}
)
#: Elements dropped with all they contain.
DROPPED_TAGS = frozenset({"script", "style", "pre", "code", "template", "noscript"})
#: Classes of page furniture dropped with all they contain.
DROPPED_CLASSES = frozenset({"pg-review", "pg-page-meta", "headerlink"})
#: Marks that end a sentence.
SENTENCE_ENDS = (".", "!", "?")


def _is_dropped(element: lxml.html.HtmlElement) -> bool:
    """Tell whether an element is code or page furniture."""
    if element.tag in DROPPED_TAGS:
        return True
    classes = set((element.get("class") or "").split())
    return bool(classes & DROPPED_CLASSES)


def _own_text(element: lxml.html.HtmlElement) -> str:
    """Return an element's text, leaving out the sentence elements nested in it."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SENTENCE_TAGS:
            parts.append(" " if child.tag == "br" else _own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _sentence(text: str) -> str:
    """Normalise whitespace and end the text with a full stop unless it already ends a sentence."""
    text = " ".join(text.split())
    if not text or text.endswith(SENTENCE_ENDS):
        return text
    if text.endswith(":"):
        return text[:-1].rstrip() + "."
    return text + "."


def _sentences(article: lxml.html.HtmlElement) -> Iterator[str]:
    """Yield the article's sentences in reading order."""
    if _is_dropped(article):
        return
    for element in list(article.iter()):
        if element is not article and isinstance(element.tag, str) and _is_dropped(element):
            element.drop_tree()
    for element in article.iter(*SENTENCE_TAGS):
        sentence = _sentence(_own_text(element))
        if sentence:
            yield sentence


def article_text(html: str) -> str:
    """Return the article's text, one sentence per line."""
    article = parse_article(html)
    if article is None:
        return ""
    return "\n".join(_sentences(article))


def smog(html: str) -> float:
    """Return the SMOG grade of the article's text."""
    return float(textstat.smog_index(article_text(html)))


# --------------------------------------------------------------------------- Spanish: syllables and INFLESZ
#
# Spanish pages are scored on the INFLESZ scale: the Szigriszt-Pazos perspicuity formula read with the bands of
# Barrio-Cantalejo et al., "Validación de la Escala INFLESZ para evaluar la legibilidad de los textos dirigidos a
# pacientes", Anales del Sistema Sanitario de Navarra 31(2), 2008. textstat 0.7.8 can score Spanish too, but its
# syllable counts run low (it splits "reacción" into 2 syllables, not 3) and ``textstat.set_lang`` is global, so it
# would change every later English SMOG score: the syllables are counted here.

#: Lowest INFLESZ score allowed on a Spanish page for patients ("normal" is 55 to 65).
INFLESZ_READER_LIMIT = 60.0
#: Lowest INFLESZ score allowed on a Spanish page with emergency content ("bastante fácil" starts at 65).
INFLESZ_EMERGENCY_LIMIT = 65.0
#: INFLESZ bands (Barrio-Cantalejo et al. 2008): the lowest score of each band, and its name.
INFLESZ_BANDS: tuple[tuple[float, str], ...] = (
    (80.0, "muy fácil"),
    (65.0, "bastante fácil"),
    (55.0, "normal"),
    (40.0, "algo difícil"),
    (float("-inf"), "muy difícil"),
)

#: Vowels that always make a syllable of their own next to another of them (a, e, o), and the weak vowels i and u
#: when an accent breaks the diphthong (í, ú: "día", "baúl").
STRONG_VOWELS = frozenset("aeoáéóíú")
#: Vowels that join a neighbour into one syllable (a diphthong or triphthong: "ciudad", "buey").
WEAK_VOWELS = frozenset("iuüy")
#: Every vowel letter.
VOWELS = STRONG_VOWELS | WEAK_VOWELS
#: Syllables in the Latin-American name of each letter, for initialisms read letter by letter ("IVIg": i-ve-i-ge).
LETTER_SYLLABLES = dict.fromkeys("abcdegikopqtuvy", 1) | dict.fromkeys("fhjlmnñrsxz", 2) | {"w": 3}
#: Spanish number words, to count the syllables of a number as it is read ("72": setenta y dos).
_UNITS = "cero uno dos tres cuatro cinco seis siete ocho nueve".split()
_TEENS = "diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve".split()
_TWENTIES = (
    "veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve"
).split()
_TENS = "_ _ _ treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
_HUNDREDS = (
    "_ ciento doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos novecientos"
).split()
#: Marks that end a sentence inside a block of text, when followed by a space or the end.
_SENTENCE_BREAK = frozenset(".!?…")
#: Characters that join or split tokens into words: dashes and slashes ("5–15", "y/o").
_WORD_SPLITTERS = str.maketrans(dict.fromkeys("-–—/", " "))


def spanish_number_words(number: int) -> str:
    """Return a whole number from 0 to 999,999 in Spanish words, as it is read aloud ("72" → "setenta y dos")."""
    if not 0 <= number < 1_000_000:
        raise ValueError(f"{number} is out of range (0 to 999,999)")
    if number < 10:
        return _UNITS[number]
    if number < 20:
        return _TEENS[number - 10]
    if number < 30:
        return _TWENTIES[number - 20]
    if number < 100:
        tens, units = divmod(number, 10)
        return _TENS[tens] + (f" y {_UNITS[units]}" if units else "")
    if number < 1000:
        if number == 100:
            return "cien"
        hundreds, rest = divmod(number, 100)
        return _HUNDREDS[hundreds] + (f" {spanish_number_words(rest)}" if rest else "")
    thousands, rest = divmod(number, 1000)
    head = "mil" if thousands == 1 else f"{spanish_number_words(thousands)} mil"
    return head + (f" {spanish_number_words(rest)}" if rest else "")


def _is_initialism(word: str) -> bool:
    """Tell whether a word is read letter by letter: two or more capitals, at least half its letters ("IgG", "CIDP")."""
    capitals = sum(1 for ch in word if ch.isupper())
    return capitals >= 2 and capitals * 2 >= len(word)


def _vowel_syllables(word: str) -> int:
    """Return the number of syllables of a lower-case Spanish word, from its vowel groups."""
    # The u of que, qui, gue, gui is not said ("queso", "guerra"); ü is ("pingüino").
    letters = []
    for index, ch in enumerate(word):
        after = word[index + 1] if index + 1 < len(word) else ""
        if ch == "u" and index and word[index - 1] in "qg" and after in "eiéí":
            continue
        letters.append(ch)
    syllables = 0
    previous = ""  # the vowel before, within the current vowel group
    for index, ch in enumerate(letters):
        # y is a vowel only at the end of a word after a vowel ("hoy", "muy", "Uruguay") or alone ("y").
        is_y_vowel = (
            ch == "y"
            and index == len(letters) - 1
            and (index == 0 or letters[index - 1] in STRONG_VOWELS | WEAK_VOWELS)
        )
        if ch in STRONG_VOWELS or (ch in WEAK_VOWELS and ch != "y") or is_y_vowel:
            if not previous:
                syllables += 1
            elif ch in STRONG_VOWELS and previous in STRONG_VOWELS:
                syllables += 1  # hiatus: two strong vowels ("leer", "aéreo"), or an accented í or ú ("día", "oír")
            previous = ch
        else:
            previous = ""
    return syllables


def spanish_syllables(word: str, *, digit_by_digit: Collection[str] = ()) -> int:
    """Return the number of syllables of one Spanish word, number or initialism, as it is read aloud.

    Numbers in ``digit_by_digit`` are read one digit at a time, as phone numbers are: "911" is said
    "nueve uno uno", not "novecientos once".
    """
    word = "".join(ch for ch in word if ch.isalnum())
    if not word:
        return 0
    if word in digit_by_digit:
        return sum(_letter_syllables(ch) for ch in word)
    if word.isdigit():
        number = int(word)
        if number >= 1_000_000:
            return sum(spanish_syllables(spanish_number_words(int(d))) for d in word)
        return sum(_vowel_syllables(w) for w in spanish_number_words(number).split())
    if _is_initialism(word):
        return sum(_letter_syllables(ch) for ch in word)
    return max(1, _vowel_syllables(word.lower()))


def _letter_syllables(ch: str) -> int:
    """Return the syllables of one character read aloud: a letter's Spanish name, or a digit as a number."""
    if ch.isdigit():
        return _vowel_syllables(_UNITS[int(ch)])
    return LETTER_SYLLABLES.get(ch.lower(), 1)


def spanish_words(text: str) -> list[str]:
    """Return the words of a text: tokens with a letter or a digit, split also at dashes and slashes."""
    tokens = text.translate(_WORD_SPLITTERS).split()
    return [token for token in tokens if any(ch.isalnum() for ch in token)]


def spanish_sentences(text: str) -> list[str]:
    """Return the sentences of ``article_text`` output: each line, split again after ., !, ? or … and a space."""
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for index, ch in enumerate(line):
            at_break = ch in _SENTENCE_BREAK and (index + 1 == len(line) or line[index + 1].isspace())
            if at_break:
                sentences.append(line[start : index + 1].strip())
                start = index + 1
        sentences.append(line[start:].strip())
    return [sentence for sentence in sentences if spanish_words(sentence)]


def szigriszt_pazos(text: str, *, digit_by_digit: Collection[str] = ()) -> float:
    """Return the Szigriszt-Pazos perspicuity of a text: 206.835 − 62.3 × syllables/words − words/sentences."""
    sentences = spanish_sentences(text)
    words = [word for sentence in sentences for word in spanish_words(sentence)]
    if not words:
        return 0.0
    syllables = sum(spanish_syllables(word, digit_by_digit=digit_by_digit) for word in words)
    return 206.835 - 62.3 * syllables / len(words) - len(words) / len(sentences)


def inflesz(html: str, *, digit_by_digit: Collection[str] = ()) -> float:
    """Return the INFLESZ score of the article's text (the Szigriszt-Pazos formula; higher is easier).

    ``digit_by_digit``: numbers read a digit at a time, such as the emergency number.
    """
    return szigriszt_pazos(article_text(html), digit_by_digit=digit_by_digit)


def inflesz_band(score: float) -> str:
    """Return the name of the INFLESZ band a score falls in ("bastante fácil" for 65 to 80)."""
    return next(name for lowest, name in INFLESZ_BANDS if score >= lowest)
