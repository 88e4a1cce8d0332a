"""The guide's language editions: where each edition lives, the words its pages are framed with, and its links.

English is the default edition, at the site root (``docs/<page>.md``); every other edition lives under
``<lang>/`` (``docs/<page>.<lang>.md``, built by mkdocs-static-i18n). A page not yet translated is not
built into an edition: the edition links to the default edition's page, marked as being in that language
(``hreflang`` on the link, and "(en inglés)" after its text), so nobody reads English text under an address
that says Spanish.
Nothing here imports MkDocs; ``hooks/languages.py`` applies it to each language's build.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from urllib.parse import urljoin, urlsplit

import lxml.html
from babel.dates import format_date

from ivig_guide.addresses import site_target

DEFAULT_LANGUAGE = "en"

#: The words the guide's templates frame every page with, per edition (``config.extra.pg_text``).
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "announce_label": "Having a bad reaction?",
        "announce_link": "See what to do in an emergency",
        "review_overdue_title": "This page is due for review.",
        "review_overdue_body": (
            "Its next review was due on {date}. Some facts may have changed: check with your care team."
        ),
        "about_page": "About this page",
        "care_team": "Questions about your treatment? Call your care team",
        "care_team_at": "at",
        "care_team_number": "Their phone number:",
        "write_here": "(write it here)",
        "last_reviewed": "Last reviewed",
        "next_review": "Next review due",
        "print_page": "Print this page (PDF)",
        "card_pdf": "Download the emergency card (PDF)",
        "in_language": "in English",
        "drift_title": "The English page has newer approved wording for this section.",
        "drift_link": "Read the English instructions",
        "drift_body": "This translation is being checked against it.",
        "guide_pdf": "Download the whole guide (PDF)",
        "other_guide_pdf": "The whole guide {language} (PDF)",
        "other_card_pdf": "The emergency card {language} (PDF)",
        "whole_guide": "{site}: the whole guide",
        "cover_from": "From {clinic}",
        "qr_label": "QR code that opens the guide online",
        "qr_title": "QR code: {url}",
        "online": "Read the latest version online. Scan the code with your phone's camera, or go to:",
        "cover_note": "This guide is education, not medical advice. Ask your care team about your own treatment.",
        "contents": "Contents",
        "card_title": "Emergency card",
        "card_heading": "Emergency card: IVIg",
        "card_keep": "Keep this card where you and the people around you can find it.",
        "card_care_team": "My care team",
        "card_write_phone": "(write the phone number on the line)",
        "card_approved": "Emergency wording approved on {date}.",
        "latest_version": "Latest version:",
        "not_found_title": "Page not found",
        "not_found_body": (
            "There is no page at this address. It may have moved, or the address may have a typing mistake."
        ),
        "not_found_home": "Go to the start of the guide",
        "not_found_emergency": "See what to do in an emergency",
        "search_open": "Search",
        "search_label": "Search this guide",
        "search_placeholder": "Search",
        "search_close": "Close search",
        "search_one": "1 page found",
        "search_many": "{n} pages found",
        "search_failed": "Search is not working right now. Try again later.",
        "search_none": "No page of this guide matches your search.",
        "search_none_care_team": "Ask your care team",
    },
    "es": {
        "announce_label": "¿Tiene una reacción fuerte?",
        "announce_link": "Vea qué hacer en una emergencia",
        "review_overdue_title": "Esta página debe revisarse.",
        "review_overdue_body": (
            "Su próxima revisión era el {date}. Algunos datos pueden haber cambiado: pregunte a su equipo de salud."
        ),
        "about_page": "Sobre esta página",
        "care_team": "¿Tiene preguntas sobre su tratamiento? Llame a su equipo de salud",
        "care_team_at": "en",
        "care_team_number": "Su número de teléfono:",
        "write_here": "(escríbalo aquí)",
        "last_reviewed": "Última revisión",
        "next_review": "Próxima revisión",
        "print_page": "Imprimir esta página (PDF)",
        "card_pdf": "Descargar la tarjeta de emergencia (PDF)",
        "in_language": "en español",
        "drift_title": "La página en inglés tiene instrucciones aprobadas más nuevas para esta sección.",
        "drift_link": "Lea las instrucciones en inglés",
        "drift_body": "Estamos revisando esta traducción.",
        "guide_pdf": "Descargar la guía completa (PDF)",
        "other_guide_pdf": "La guía completa {language} (PDF)",
        "other_card_pdf": "La tarjeta de emergencia {language} (PDF)",
        "whole_guide": "{site}: la guía completa",
        "cover_from": "De parte de {clinic}",
        "qr_label": "Código QR que abre la guía en internet",
        "qr_title": "Código QR: {url}",
        "online": "Lea la versión más nueva en internet. Escanee el código con la cámara de su teléfono, o vaya a:",
        "cover_note": (
            "Esta guía es para aprender. No es un consejo médico. Pregunte a su equipo de salud por su propio "
            "tratamiento."
        ),
        "contents": "Contenido",
        "card_title": "Tarjeta de emergencia",
        "card_heading": "Tarjeta de emergencia: IVIg",
        "card_keep": "Guarde esta tarjeta donde usted y las personas cercanas puedan encontrarla.",
        "card_care_team": "Mi equipo de salud",
        "card_write_phone": "(escriba el número de teléfono en la línea)",
        "card_approved": "Texto de emergencia aprobado el {date}.",
        "latest_version": "Versión más nueva:",
        "not_found_title": "No encontramos la página",
        "not_found_body": (
            "No hay ninguna página en esta dirección. Puede que se haya movido, o que la dirección tenga un error."
        ),
        "not_found_home": "Ir al inicio de la guía",
        "not_found_emergency": "Vea qué hacer en una emergencia",
        "search_open": "Buscar",
        "search_label": "Buscar en esta guía",
        "search_placeholder": "Buscar",
        "search_close": "Cerrar la búsqueda",
        "search_one": "1 página encontrada",
        "search_many": "{n} páginas encontradas",
        "search_failed": "La búsqueda no funciona ahora. Inténtelo más tarde.",
        "search_none": "Ninguna página de esta guía coincide con su búsqueda.",
        "search_none_care_team": "Pregunte a su equipo de salud",
    },
}

#: How an edition names the language of a link into another edition, shown after the link's text.
LANGUAGE_NAMES: dict[str, dict[str, str]] = {"es": {"en": "en inglés"}, "en": {"es": "in Spanish"}}

#: Marks the notice shown above a translated section approved as pending review of newer English wording.
DRIFT_NOTICE_CLASS = "pg-drift-notice"
DRIFT_ATTRIBUTE = "data-pg-drift-of"


def strings(lang: str) -> dict[str, str]:
    """Return the template words of an edition (the default edition's for a language without its own)."""
    return STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])


def readable_date(day: datetime.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """Return a date as readers of the edition write it ('November 25, 2026', '25 de noviembre de 2026')."""
    if lang == DEFAULT_LANGUAGE:
        return f"{day:%B} {day.day}, {day.year}"
    return format_date(day, format="long", locale=lang)


def prefix(lang: str, default: str = DEFAULT_LANGUAGE) -> str:
    """Return the folder an edition is published under ('' for the default edition, 'es/' for Spanish)."""
    return "" if lang == default else f"{lang}/"


def source_language(src_uri: str, languages: Iterable[str], default: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
    """Return (original Markdown path, language) of a page's source ('anaphylaxis.es.md' → ('anaphylaxis.md', 'es'))."""
    stem = src_uri.removesuffix(".md")
    base, dot, suffix = stem.rpartition(".")
    if dot and suffix in languages and suffix != default:
        return f"{base}.md", suffix
    return src_uri, default


def mark_other_edition_links(html: str, *, page_url: str, lang: str, other: Mapping[str, str]) -> str:
    """Return a built page whose links into another edition say that edition's language.

    ``other`` maps the site-relative URL of each page of another edition that this edition links to (its
    untranslated pages) to that page's language. Each such link gets ``hreflang`` (the language of the page
    it leads to) and a visible marker in the reader's language, "(en inglés)", unless its text already says
    so. The link's own text stays in the edition's language, so it gets no ``lang`` of its own: a screen
    reader would read "Qué es la IVIg" with an English voice. A link whose text is in the other language
    (the English title of a page) says so with ``lang`` on the link.
    """
    if not other:
        return html
    root = lxml.html.document_fromstring(html)
    changed = False
    for link in root.iter("a"):
        href = link.get("href", "")
        target = site_target(href, page_url)
        if target is None:
            continue
        path = urlsplit(target).path
        target_lang = other.get(path)
        if target_lang is None or target_lang == lang:
            continue
        link.set("hreflang", target_lang)
        marker = LANGUAGE_NAMES.get(lang, {}).get(target_lang)
        if marker and marker not in _text(link):
            note = lxml.html.Element("span", {"class": "pg-lang-note", "lang": lang})
            note.text = f" ({marker})"
            link.append(note)
        changed = True
    if not changed:
        return html
    return _serialize(root, html)


def _text(element: lxml.html.HtmlElement) -> str:
    """Return an element's text."""
    return "".join(element.itertext())


def _serialize(root: lxml.html.HtmlElement, original: str) -> str:
    """Return a parsed document as HTML, keeping the original's doctype line."""
    body = str(lxml.html.tostring(root, encoding="unicode", method="html"))
    doctype = original[: original.find("<html")] if original.lstrip().lower().startswith("<!doctype") else ""
    return doctype + body


def absolute_url(site_url: str, url: str) -> str:
    """Return the absolute address of a site-relative URL ('es/anaphylaxis/' under site_url)."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return urljoin(base, url)


def add_drift_notices(html: str, notices: Mapping[str, str], *, lang: str, original_lang: str) -> str:
    """Return a built page with a notice above each section in ``notices`` (section id → link to the original).

    The notice says that the original page has newer approved wording for the section, and links to it
    (marked as being in the original's language). It sits before the section, never inside it, so the
    section itself is still exactly its approved wording.
    """
    if not notices:
        return html
    root = lxml.html.document_fromstring(html)
    words = strings(lang)
    changed = False
    for section in root.iter("section"):
        section_id = section.get("id", "")
        if section_id not in notices:
            continue
        notice = lxml.html.Element("aside", {"class": DRIFT_NOTICE_CLASS, "role": "note", DRIFT_ATTRIBUTE: section_id})
        title = lxml.html.Element("strong")
        title.text = words["drift_title"]
        paragraph = lxml.html.Element("p")
        paragraph.append(title)
        title.tail = f" {words['drift_body']} "
        link = lxml.html.Element("a", {"href": notices[section_id], "hreflang": original_lang, "lang": lang})
        link.text = words["drift_link"]
        paragraph.append(link)
        link.tail = "."
        notice.append(paragraph)
        section.addprevious(notice)
        changed = True
    return _serialize(root, html) if changed else html


def drift_notice_before(html: str, section_id: str) -> bool:
    """Return True if the section with ``section_id`` has a drift notice right before it."""
    root = lxml.html.document_fromstring(html)
    for section in root.iter("section"):
        if section.get("id") == section_id:
            before = section.getprevious()
            return before is not None and before.get(DRIFT_ATTRIBUTE) == section_id
    return False
