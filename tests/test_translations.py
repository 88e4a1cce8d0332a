"""The Spanish edition's emergency content: guarded like English, held to its English original, and drift."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import lxml.html
import pytest
from conftest import ROOT, SETTINGS, TRANSLATIONS, BuiltSite, page_html
from guard_support import build_project, copy_project, render, replace_in, run_make

from ivig_guide.approval import approved_lock
from ivig_guide.editions import DRIFT_ATTRIBUTE, add_drift_notices, drift_notice_before
from ivig_guide.emergency_blocks import prefixes
from ivig_guide.lock import Lock, drift_message, drifted, read_lock
from ivig_guide.page_check import check_page, check_unguarded
from ivig_guide.release import check_translation_drift
from ivig_guide.site_check import check_site

LOCK = read_lock(ROOT / "hooks" / "emergency-lock.yml")
SOURCE = LOCK.source_language
DOCS = ROOT / "docs"
#: Every translated language and its pages with approved sections, from the lock.
TRANSLATED_PAGES = sorted({(e.lang, e.page) for e in LOCK.entries.values() if e.lang != SOURCE})
ES_ANAPHYLAXIS = "anaphylaxis.es.md"
ES_HELP = "when-to-get-help.es.md"


def _text(page: str) -> str:
    """Return the Markdown of a page in docs/."""
    return (DOCS / page).read_text(encoding="utf-8")


def _step(n: int) -> str:
    """Return the Markdown line of Spanish first-aid step ``n`` (the lock says how many there are)."""
    entry = LOCK.get("es", "anaphylaxis-first-aid")
    assert entry is not None and 1 <= n <= len(entry.section.blocks("steps")[0])
    return next(line for line in _text(ES_ANAPHYLAXIS).splitlines() if line.startswith(f"{n}. "))


def _rules(page: str, text: str, lock: Lock = LOCK) -> list[str]:
    """Return the sorted rule ids that checking a Spanish page reports."""
    result = check_page(render(text, "es"), page=page, lock=lock, number=lock.emergency_number, lang="es", source=text)
    return sorted({finding.rule for finding in result.findings})


def test_the_lock_has_spanish_sections() -> None:
    """Approve the Spanish emergency pages, each section with the English wording it was checked against."""
    assert "es" in SETTINGS.languages
    assert {page for lang, page in TRANSLATED_PAGES if lang == "es"} == {ES_ANAPHYLAXIS, ES_HELP}
    assert {"anaphylaxis", "when-to-get-help", "index"} <= set(TRANSLATIONS["es"])
    for entry in LOCK.in_language("es"):
        original = LOCK.get(SOURCE, entry.id)
        assert original is not None
        assert entry.translation_of == original.key
        assert entry.checked_against == original.section.all_text()
        assert entry.section.prefix == prefixes("es")[entry.section.kind]
        assert not entry.pending_review


@pytest.mark.parametrize(("lang", "page"), TRANSLATED_PAGES)
def test_translated_pages_pass_as_written(lang: str, page: str) -> None:
    """Find nothing wrong with the translated pages as they are."""
    assert _rules(page, _text(page)) == []


#: Single harmful edits to the real Spanish emergency pages, and the rules each must break (the lock's and,
#: where the edit changes the section's shape, parity with the English original).
SPANISH_EDITS = [
    pytest.param(
        ES_ANAPHYLAXIS,
        lambda t: t.replace(_step(4) + "\n", ""),
        ["steps-count", "translation-shape"],
        id="step-deleted",
    ),
    pytest.param(
        ES_ANAPHYLAXIS,
        lambda t: (
            t.replace(_step(2), "@@")
            .replace(_step(3), _step(2).replace("2.", "3.", 1))
            .replace("@@", _step(3).replace("3.", "2.", 1))
        ),
        ["steps-order"],
        id="steps-swapped",
    ),
    pytest.param(
        ES_ANAPHYLAXIS, lambda t: t.replace("acuéstela", "siéntela"), ["step-wording"], id="step-reworded-one-word"
    ),
    pytest.param(
        ES_ANAPHYLAXIS,
        lambda t: (
            t.replace(_step(1), "- " + _step(1)[3:])
            .replace(_step(2), "- " + _step(2)[3:])
            .replace(_step(3), "- " + _step(3)[3:])
            .replace(_step(4), "- " + _step(4)[3:])
        ),
        ["steps-missing", "translation-shape"],
        id="bullets-instead-of-numbers",
    ),
    pytest.param(
        ES_ANAPHYLAXIS, lambda t: t.replace("- mareo\n", ""), ["list-changed", "translation-shape"], id="sign-dropped"
    ),
    pytest.param(
        ES_ANAPHYLAXIS,
        lambda t: t.replace("5 a 15 minutos", "15 a 30 minutos"),
        ["text-changed"],
        id="second-pen-timing-changed",
    ),
    pytest.param(
        ES_ANAPHYLAXIS,
        lambda t: t.replace(
            "/// first-aid |", '<details markdown="1"><summary>Más</summary>\n\n/// first-aid |'
        ).replace(
            "una segunda pluma si la persona tiene una.\n///\n",
            "una segunda pluma si la persona tiene una.\n///\n\n</details>\n",
        ),
        ["section-hidden"],
        id="section-hidden",
    ),
    pytest.param(
        ES_HELP,
        lambda t: t.replace("- vómitos\n", ""),
        ["list-changed", "translation-shape"],
        id="warning-sign-dropped",
    ),
    pytest.param(
        ES_HELP, lambda t: t.replace("Llame al 911 si:", "Busque ayuda si:"), ["heading-changed"], id="heading-changed"
    ),
    pytest.param(
        ES_HELP,
        lambda t: t.replace("Llame al [911](tel:911) de inmediato.", "Llame al [999](tel:999) de inmediato."),
        ["tel-changed", "tel-mismatch", "tel-missing", "text-changed", "translation-shape"],
        id="number-changed",
    ),
    pytest.param(
        ES_HELP,
        lambda t: t.replace("id: sudden-severe-side-effects", "id: otros-efectos-graves"),
        ["section-missing", "section-unapproved", "translation-missing", "translation-orphan"],
        id="section-without-english-original",
    ),
    pytest.param(
        ES_HELP,
        lambda t: t[: t.index("/// urgent")] + t[t.index("/// emergency") :],
        ["section-missing", "translation-missing"],
        id="english-section-missing",
    ),
    pytest.param(
        ES_HELP, lambda t: t + "\nLlame al 911 si se siente mal.\n", ["unguarded-call"], id="unguarded-llame-al-911"
    ),
    pytest.param(
        ES_HELP, lambda t: t + "\nSi empeora, marque el 9-1-1.\n", ["unguarded-call"], id="unguarded-marque-el-9-1-1"
    ),
    pytest.param(
        ES_HELP,
        lambda t: t + "\nEn ese caso llame al nueve uno uno.\n",
        ["unguarded-call"],
        id="unguarded-nueve-uno-uno",
    ),
]


@pytest.mark.parametrize(("page", "edit", "expected"), SPANISH_EDITS)
def test_harmful_spanish_edit_is_caught(page: str, edit, expected: list[str]) -> None:
    """Report each harmful edit to the Spanish emergency content as exactly the rules it breaks."""
    text = _text(page)
    edited = edit(text)
    assert edited != text, "the edit must change the page"
    assert _rules(page, edited) == expected


@pytest.mark.parametrize(
    "text",
    ["Llame al 911 ahora.", "Marque el 9-1-1.", "Llame al nueve uno uno.", "Si puede, llame de inmediato al 911."],
)
def test_spanish_call_words_are_unguarded_outside_sections(text: str) -> None:
    """Catch Spanish instructions to call the emergency number outside marked sections."""
    article = lxml.html.fromstring(f"<article><p>{text}</p></article>")
    assert [rule for rule, _ in check_unguarded(article, number="911", lang="es")] == ["unguarded-call"]


def test_spanish_words_are_not_instructions_in_english_pages() -> None:
    """Leave ordinary words alone: a number that is not the emergency number, a page link."""
    article = lxml.html.fromstring("<article><p>Llame al 9112 para citas.</p><p>Lea la página 911b.</p></article>")
    assert check_unguarded(article, number="911", lang="es") == []


# --------------------------------------------------------------------------- drift


def _reapproved(lock: Lock, section_id: str, old: str, new: str) -> Lock:
    """Return a lock in which one English section was approved anew with one step reworded."""
    entry = lock.get(SOURCE, section_id)
    assert entry is not None
    content = tuple(
        (kind, tuple(step.replace(old, new) for step in value) if kind == "steps" else value)
        for kind, value in entry.section.content
    )
    assert content != entry.section.content, "the re-approval must change the wording"
    changed = dataclasses.replace(
        entry, section=dataclasses.replace(entry.section, content=content), approved_on="2027-01-02"
    )
    return Lock(lock.emergency_number, lock.source_language, {**lock.entries, changed.key: changed})


REAPPROVED = _reapproved(LOCK, "anaphylaxis-first-aid", "Stay with them", "Stay close to them")


def test_english_reapproval_names_the_spanish_sections_to_review() -> None:
    """Name each Spanish section approved against the old English wording, with the English word diff."""
    found = drifted(REAPPROVED)
    assert [(entry.key, original.key) for entry, original in found] == [
        ("es/anaphylaxis-first-aid", "en/anaphylaxis-first-aid")
    ]
    message = drift_message(*found[0])
    assert "es/anaphylaxis-first-aid (anaphylaxis.es.md)" in message
    assert "'with' → 'close to'" in message
    assert drifted(LOCK) == []


def _pending(lock: Lock) -> Lock:
    """Return the lock with every drifted translation marked pending review."""
    marked = {entry.key: dataclasses.replace(entry, pending_review=True) for entry, _original in drifted(lock)}
    return Lock(lock.emergency_number, lock.source_language, {**lock.entries, **marked})


DRIFT_CASES = [
    pytest.param(REAPPROVED, ["translation-drift"], id="drifted-not-pending"),
    pytest.param(_pending(REAPPROVED), ["drift-notice-missing"], id="pending-without-notice"),
    pytest.param(LOCK, [], id="not-drifted"),
]


@pytest.mark.parametrize(("lock", "expected"), DRIFT_CASES)
def test_release_refuses_drifted_translations(built_site: BuiltSite, lock: Lock, expected: list[str]) -> None:
    """Block a release on a translation approved against older English wording, unless pending with its notice."""
    results = check_site(built_site.path, lock=None, number=LOCK.emergency_number, lang=SOURCE, docs=DOCS)
    assert [f.rule for f in check_translation_drift(built_site.path, results, lock=lock)] == expected


def test_drift_notice_sits_above_the_section_with_a_link_to_english(built_site: BuiltSite) -> None:
    """Put the notice before the section, outside it, linking the English section, marked as English."""
    html = page_html(built_site, "es/anaphylaxis/")
    noticed = add_drift_notices(
        html, {"anaphylaxis-first-aid": "../../anaphylaxis/#anaphylaxis-first-aid"}, lang="es", original_lang="en"
    )
    assert drift_notice_before(noticed, "anaphylaxis-first-aid")
    assert not drift_notice_before(html, "anaphylaxis-first-aid")
    notice = lxml.html.document_fromstring(noticed).find(f".//*[@{DRIFT_ATTRIBUTE}]")
    assert notice is not None and notice.get("role") == "note"
    link = notice.find(".//a")
    assert link is not None and link.get("hreflang") == "en" and link.get("href").endswith("#anaphylaxis-first-aid")
    assert "inglés" in notice.text_content()
    # The section itself is untouched: the guard still finds it exactly as approved.
    result = check_page(noticed, page=ES_ANAPHYLAXIS, lock=LOCK, number="911", lang="es")
    assert result.findings == []


def test_approving_with_pending_keeps_the_spanish_wording(built_site: BuiltSite) -> None:
    """Mark drifted translations pending review (wording kept), or check them again against the new wording."""
    results = check_site(built_site.path, lock=None, number="911", lang=SOURCE, docs=DOCS)
    english = next(r for r in results if r.page == "anaphylaxis.md")
    section = next(s for s in english.sections if s.id == "anaphylaxis-first-aid")
    reworded = REAPPROVED.get(SOURCE, "anaphylaxis-first-aid")
    assert reworded is not None
    english.sections[english.sections.index(section)] = reworded.section
    pending, changes = approved_lock(results, LOCK, number="911", by="T", today="2027-01-02", pending=True)
    entry = pending.get("es", "anaphylaxis-first-aid")
    assert (
        entry is not None and entry.pending_review and entry.section == LOCK.get("es", "anaphylaxis-first-aid").section
    )
    assert any("pending review" in line for line in changes)
    assert [e.key for e, _o in drifted(pending)] == ["es/anaphylaxis-first-aid"]
    again, changes = approved_lock(results, LOCK, number="911", by="T", today="2027-01-02")
    assert drifted(again) == []
    assert any("checked again" in line for line in changes)


# --------------------------------------------------------------------------- whole builds


@pytest.mark.slow
def test_spanish_step_reworded_stops_the_build(tmp_path: Path) -> None:
    """Stop the whole bilingual build on a one-word change to a Spanish step, naming the Spanish page."""
    project = copy_project(tmp_path / "project")
    replace_in(f"docs/{ES_ANAPHYLAXIS}", "acuéstela", "siéntela")(project)
    outcome = build_project(project)
    assert not outcome.ok
    said = outcome.error + "\n" + outcome.log
    assert f"{ES_ANAPHYLAXIS}:" in said and "[step-wording]" in said


@pytest.mark.slow
def test_english_fix_ships_with_spanish_pending_and_its_notice(tmp_path: Path) -> None:
    """Approve an urgent English fix with PENDING=1: the build names the Spanish section and shows the notice."""
    project = copy_project(tmp_path / "project")
    replace_in("docs/anaphylaxis.md", "Stay with them", "Stay close to them")(project)
    approved = run_make(project, "approve-emergency", "YES=1", "PENDING=1", "BY=Test")
    assert approved.returncode == 0, approved.stderr
    assert "es/anaphylaxis-first-aid on anaphylaxis.es.md: pending review" in approved.stdout
    lock = read_lock(project / "hooks" / "emergency-lock.yml")
    assert [e.key for e, _o in drifted(lock)] == ["es/anaphylaxis-first-aid"]
    outcome = build_project(project)
    assert outcome.ok, outcome.error
    assert "Translation to review: es/anaphylaxis-first-aid" in outcome.log
    html = (outcome.site / "es" / "anaphylaxis" / "index.html").read_text(encoding="utf-8")
    assert drift_notice_before(html, "anaphylaxis-first-aid")
    results = check_site(outcome.site, lock=None, number="911", lang=SOURCE, docs=project / "docs")
    assert check_translation_drift(outcome.site, results, lock=lock) == []
