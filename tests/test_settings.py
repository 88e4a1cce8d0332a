"""The settings object: mkdocs.yml read once, as MkDocs reads it, and checked, for every hook and command."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NUMBER, ROOT

from ivig_guide.errors import GuideError, LockError, SettingsError
from ivig_guide.settings import configured_lock, read_settings


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _clinic(*, name: str = "", phone: str = "", country: str = "US") -> str:
    return f"extra:\n  clinic:\n    name: '{name}'\n    care_team_phone: '{phone}'\n    country: {country}\n"


@pytest.mark.parametrize(
    ("phone", "country", "shown", "uri"),
    [
        pytest.param(
            "020 7946 0000 ext. 4521", "GB", "020\u00a07946\u00a00000\u00a0x4521", "tel:+44-20-7946-0000;ext=4521"
        ),
        pytest.param(
            "(202) 555-0123 x12", "US", "(202)\u00a0555\u20110123\u00a0ext.\u00a012", "tel:+1-202-555-0123;ext=12"
        ),
        pytest.param(
            "202 555 0123 extension 7", "US", "(202)\u00a0555\u20110123\u00a0ext.\u00a07", "tel:+1-202-555-0123;ext=7"
        ),
        pytest.param("02 9999 0000", "AU", "(02)\u00a09999\u00a00000", "tel:+61-2-9999-0000"),
    ],
)
def test_care_team_phone_is_shown_and_dialled_right(
    tmp_path: Path, phone: str, country: str, shown: str, uri: str
) -> None:
    """Read the phone in the clinic's country, extensions included; show it unbroken and link it as RFC 3966."""
    clinic = read_settings(_write(tmp_path, "mkdocs.yml", _clinic(phone=phone, country=country))).clinic
    assert (clinic.phone_display, clinic.phone_uri) == (shown, uri)


def test_the_guide_settings_are_read() -> None:
    """Read the guide's own mkdocs.yml: the number, the language and the lock beside the hooks."""
    settings, lock = configured_lock(ROOT / "mkdocs.yml")
    assert settings.number == lock.emergency_number
    assert settings.lock_path == ROOT / "hooks" / "emergency-lock.yml"
    assert settings.site_name and settings.lang


def test_env_tags_and_inherit_are_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve !ENV as MkDocs does (variable, else default) and merge INHERIT's parent under the child."""
    _write(
        tmp_path,
        "base.yml",
        "site_name: Base\nsite_url: !ENV [PG_TEST_URL, 'https://a.example/']\n"
        "extra:\n  emergency_number: '999'\n  handouts: !ENV [PG_TEST_HANDOUTS, false]\n  clinic:\n    name: A\n",
    )
    child = _write(
        tmp_path, "child.yml", "INHERIT: base.yml\nextra:\n  clinic:\n    care_team_phone: '(202) 555-0123'\n"
    )
    monkeypatch.delenv("PG_TEST_URL", raising=False)
    monkeypatch.setenv("PG_TEST_HANDOUTS", "true")
    settings = read_settings(child)
    assert settings.site_url == "https://a.example/"
    assert settings.handouts is True
    assert (settings.number, settings.clinic.name, settings.clinic.care_team_phone) == ("999", "A", "(202) 555-0123")
    monkeypatch.setenv("PG_TEST_URL", "https://b.example/")
    assert read_settings(child).site_url == "https://b.example/"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("extra:\n  emergency_number: 000\n", 'Quote it: emergency_number: "0"', id="unquoted-000"),
        pytest.param("extra:\n  emergency_number: 911\n", 'Quote it: emergency_number: "911"', id="unquoted-911"),
        pytest.param("extra:\n  emergency_number: 'nine'\n", "must be the digits readers dial", id="not-digits"),
        pytest.param("extra:\n  clinic: nobody\n", "extra.clinic must be a group of settings", id="clinic-text"),
        pytest.param("extra:\n  clinic:\n    name: [a, b]\n", "extra.clinic.name must be text", id="name-list"),
        pytest.param("site_name: [unclosed\n", "mkdocs.yml:1: not valid YAML", id="bad-yaml"),
        pytest.param("INHERIT: missing.yml\n", "missing.yml: no such file", id="inherit-missing"),
        pytest.param(_clinic(phone="ask at reception"), "which is not a phone number in US", id="phone-words"),
        pytest.param(_clinic(phone="911"), "is the emergency number 911", id="phone-is-911"),
        pytest.param(_clinic(phone="020 7946 0000", country="XX"), "extra.clinic.country is 'XX'", id="country"),
        pytest.param(_clinic(phone="(202) 555-0123 ext. 12345678901"), "room for 30", id="phone-too-long"),
        pytest.param(_clinic(name="N" * 61), "61 characters long; the handouts have room for 60", id="name-too-long"),
    ],
)
def test_bad_settings_name_the_setting_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    """Refuse a wrong setting with a message naming the file, the setting and how to write it."""
    with pytest.raises(SettingsError) as raised:
        read_settings(_write(tmp_path, "mkdocs.yml", text))
    assert message in str(raised.value)
    assert isinstance(raised.value, GuideError)


def test_lock_for_another_number_is_refused(tmp_path: Path) -> None:
    """Refuse a lock approved for another number than the settings name, in one place for every command."""
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "emergency-lock.yml").write_text(
        (ROOT / "hooks" / "emergency-lock.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    other = "112" if NUMBER != "112" else "999"
    config = _write(tmp_path, "mkdocs.yml", f"extra:\n  emergency_number: '{other}'\n")
    with pytest.raises(LockError, match=f"extra.emergency_number in mkdocs.yml is {other}"):
        configured_lock(config)
