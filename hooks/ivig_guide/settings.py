"""The guide's settings: read once from mkdocs.yml, with one set of defaults, for every hook and command.

Hooks build :class:`Settings` from the configuration MkDocs loaded (:func:`settings_from_config`);
commands that run on a built folder read the same file without MkDocs (:func:`read_settings`), with
``!ENV`` tags resolved as MkDocs resolves them (``pyyaml_env_tag``) and ``INHERIT`` merged as MkDocs
merges it (``mergedeep``). Either way the values are checked here, and the emergency number is checked
against the approved lock in one place (:func:`guard_lock`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mergedeep
import yaml
from yaml_env_tag import construct_env_tag

from ivig_guide.errors import LockError, SettingsError
from ivig_guide.lock import Lock, read_lock

#: The approved lock, beside the hooks: hooks/emergency-lock.yml.
LOCK_FILE = "emergency-lock.yml"
#: ``EMERGENCY_GUARD=approve`` (set only by ``make approve-emergency``): build new wording without the lock.
APPROVE_ENV = "EMERGENCY_GUARD"
DEFAULT_NUMBER = "911"
DEFAULT_LANGUAGE = "en"


#: The longest clinic name and care-team phone the handouts are laid out for (the card must fit on one page).
MAX_CLINIC_NAME = 60
MAX_PHONE = 30
DEFAULT_COUNTRY = "US"


@dataclass(frozen=True)
class Clinic:
    """The clinic that publishes this copy of the guide (blank in the upstream guide)."""

    name: str = ""
    care_team_phone: str = ""  # as written in mkdocs.yml
    country: str = DEFAULT_COUNTRY  # ISO 3166 code the phone is read in
    phone_display: str = ""  # the phone in the country's format, with no-break spaces: never split over lines
    phone_uri: str = ""  # RFC 3966: tel:+44-20-7946-0000;ext=4521


@dataclass(frozen=True)
class Settings:
    """What the guide's hooks and commands need from mkdocs.yml."""

    config_file: Path  # mkdocs.yml
    site_name: str
    site_url: str
    lang: str  # theme.language
    number: str  # extra.emergency_number, digits
    emergency_url: str  # extra.emergency_url
    clinic: Clinic
    review: Mapping[str, Any]  # extra.review: site-wide reviewed / review_due
    handouts: bool  # extra.handouts: pages link their PDFs
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)  # every edition built (the i18n plugin's languages)
    default_language: str = DEFAULT_LANGUAGE  # the edition at the site root
    omit_pages: tuple[str, ...] = ()  # extra.omit_pages: default-edition pages this edition leaves out

    @property
    def prefix(self) -> str:
        """Return the folder this build's edition is published under ('' for the default, 'es/')."""
        return "" if self.lang == self.default_language else f"{self.lang}/"

    def edition_prefix(self, lang: str) -> str:
        """Return the folder an edition is published under."""
        return "" if lang == self.default_language else f"{lang}/"

    @property
    def lock_path(self) -> Path:
        """Return the approved lock's path: hooks/emergency-lock.yml beside mkdocs.yml."""
        return self.config_file.parent / "hooks" / LOCK_FILE


class _Loader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: ``!ENV`` resolved, ``!!python/name:`` tags kept as their name."""


_Loader.add_constructor("!ENV", construct_env_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix)
_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def load_config_file(path: Path, *, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Return mkdocs.yml as a mapping, its ``INHERIT`` parent merged in; raise SettingsError naming the file."""
    if path.resolve() in _seen:
        raise SettingsError(f"{path}: INHERIT leads back to itself; point it at another file.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{path}: no such file. Run the command in the guide's folder, or pass --config.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read it ({error}). Save it as UTF-8 text.") from None
    try:
        data = yaml.load(text, Loader=_Loader) or {}
    except yaml.YAMLError as error:
        # Where the broken construct starts (an unclosed bracket), else where the parser gave up.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise SettingsError(f"{where}: not valid YAML ({getattr(error, 'problem', error)}).") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected settings (key: value lines), found {type(data).__name__}.")
    parent = data.pop("INHERIT", None)
    if parent is None:
        return data
    merged = load_config_file(path.parent / str(parent), _seen=(*_seen, path.resolve()))
    return dict(mergedeep.merge(merged, data))


def read_settings(path: Path = Path("mkdocs.yml")) -> Settings:
    """Return the settings of the mkdocs.yml at ``path`` (``INHERIT`` and ``!ENV`` resolved), checked."""
    return settings_from_config(load_config_file(path), config_file=path)


def settings_from_config(config: Mapping[str, Any], *, config_file: Path) -> Settings:
    """Return checked settings from a loaded configuration (MkDocs' own, or :func:`load_config_file`'s)."""
    where = config_file.name
    extra = _mapping(config.get("extra"), f"{where}: extra")
    theme = config.get("theme")
    lang = str(_get(theme, "language") or DEFAULT_LANGUAGE)
    clinic = _mapping(extra.get("clinic"), f"{where}: extra.clinic")
    number = emergency_number(extra.get("emergency_number", DEFAULT_NUMBER), where=where)
    languages, default_language = _editions(config.get("plugins"), lang)
    omit = extra.get("omit_pages") or []
    if not isinstance(omit, list) or not all(isinstance(item, str) for item in omit):
        raise SettingsError(f"{where}: extra.omit_pages must be a list of page paths, found {omit!r}.")
    return Settings(
        config_file=config_file,
        site_name=str(config.get("site_name") or ""),
        site_url=str(config.get("site_url") or ""),
        lang=lang,
        number=number,
        emergency_url=str(extra.get("emergency_url") or ""),
        clinic=clinic_settings(clinic, number=number, where=where),
        review=_mapping(extra.get("review"), f"{where}: extra.review"),
        handouts=_flag(extra.get("handouts")),
        languages=languages,
        default_language=default_language,
        omit_pages=tuple(omit),
    )


def _editions(plugins: object, lang: str) -> tuple[tuple[str, ...], str]:
    """Return the editions the i18n plugin builds and its default one (just ``lang`` without the plugin)."""
    languages: list[Any] = []
    if isinstance(plugins, list):  # mkdocs.yml as read by load_config_file
        for item in plugins:
            if isinstance(item, Mapping) and "i18n" in item:
                languages = list(_mapping(item["i18n"], "mkdocs.yml: plugins.i18n").get("languages") or [])
    elif plugins is not None and hasattr(plugins, "get") and plugins.get("i18n") is not None:
        languages = [dict(language) for language in plugins.get("i18n").config.languages]
    built = [language for language in languages if isinstance(language, Mapping) and language.get("build", True)]
    if not built:
        return (lang,), lang
    codes = tuple(str(language.get("locale")) for language in built)
    default = next((str(language.get("locale")) for language in built if language.get("default")), codes[0])
    return codes, default


def settings_of_build(config: Mapping[str, Any], config_file: str | None) -> Settings:
    """Return the settings of a configuration MkDocs loaded (``config.config_file_path`` names its file)."""
    return settings_from_config(config, config_file=Path(config_file or "mkdocs.yml"))


def clinic_settings(clinic: Mapping[str, Any], *, number: str, where: str = "mkdocs.yml") -> Clinic:
    """Return the clinic's settings, its care-team phone parsed and checked; raise SettingsError saying what to fix."""
    name = _text(clinic.get("name"), f"{where}: extra.clinic.name")
    if len(name) > MAX_CLINIC_NAME:
        raise SettingsError(
            f"{where}: extra.clinic.name is {len(name)} characters long; the handouts have room for "
            f"{MAX_CLINIC_NAME}. Shorten it (for example, leave out the city)."
        )
    country = _text(clinic.get("country"), f"{where}: extra.clinic.country").upper() or DEFAULT_COUNTRY
    phone = _text(clinic.get("care_team_phone"), f"{where}: extra.clinic.care_team_phone")
    if not phone:
        return Clinic(name=name, country=country)
    display, uri = care_team_phone(phone, country=country, number=number, where=where)
    return Clinic(name=name, care_team_phone=phone, country=country, phone_display=display, phone_uri=uri)


def care_team_phone(phone: str, *, country: str, number: str, where: str = "mkdocs.yml") -> tuple[str, str]:
    """Return a care-team phone as shown (the country's format, no-break spaces) and as a ``tel:`` URI (RFC 3966).

    Extensions may be written ``ext.``, ``ext``, ``x`` or ``extension``. Raises SettingsError for text that is
    not a phone number of ``country``, a phone that is too long for the handouts, or the emergency number.
    """
    import phonenumbers

    key = f"{where}: extra.clinic.care_team_phone"
    if len(phone) > MAX_PHONE:
        raise SettingsError(f"{key} is {len(phone)} characters long; the handouts have room for {MAX_PHONE}.")
    if country not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(
            f"{where}: extra.clinic.country is {country!r}; write the two-letter code of the clinic's country, "
            'like "US" or "GB".'
        )
    written = re.sub(r"(?i)\b(?:extension|ext)\b\.?", " ext. ", phone)
    try:
        parsed = phonenumbers.parse(written, country)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).endswith(
        f"+{parsed.country_code}{number}"
    ):
        raise SettingsError(
            f"{key} is the emergency number {number}. Give the care team's own phone: the guide tells readers when "
            "to call the emergency number."
        )
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise SettingsError(
            f"{key} is {phone!r}, which is not a phone number in {country} (extra.clinic.country). Write the digits "
            "people dial, with an extension as 'ext. 4521' if there is one, or leave it blank to print a line to "
            "write the number on."
        )
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    display = national.replace(" ", "\u00a0").replace("-", "\u2011")
    return display, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.RFC3966)


def emergency_number(value: object, *, where: str = "mkdocs.yml") -> str:
    """Return ``extra.emergency_number`` as its digits; raise SettingsError saying how to write it."""
    if isinstance(value, bool) or isinstance(value, int | float):
        raise SettingsError(
            f"{where}: extra.emergency_number is written as a YAML number ({value!r}), which drops leading zeros "
            f'(000 becomes 0). Quote it: emergency_number: "{value}".'
        )
    number = str(value or "").strip()
    if not number.isdigit():
        raise SettingsError(
            f'{where}: extra.emergency_number must be the digits readers dial, quoted, like "911"; found {number!r}.'
        )
    return number


def guard_lock(settings: Settings) -> Lock | None:
    """Return the lock a build checks against, approved for the configured number; None while approving.

    ``EMERGENCY_GUARD=approve`` means: apply the structural rules, but do not compare with the lock, so the
    new wording can be built and shown for approval.
    """
    if os.environ.get(APPROVE_ENV) == "approve":
        return None
    return approved_lock(settings)


def approved_lock(settings: Settings) -> Lock:
    """Return the approved lock, or raise LockError if it is missing, malformed or for another number."""
    lock = read_lock(settings.lock_path)
    require_number(lock, settings.number)
    return lock


def require_number(lock: Lock, number: str) -> None:
    """Raise LockError unless the lock was approved for the configured emergency number."""
    if lock.emergency_number != number:
        raise LockError(
            f"{LOCK_FILE} was approved for emergency number {lock.emergency_number}, but extra.emergency_number "
            f"in mkdocs.yml is {number}. Change the text and the setting together, then run `make approve-emergency`."
        )


def configured_lock(config: Path) -> tuple[Settings, Lock]:
    """Return the settings of ``config`` (mkdocs.yml) and the approved lock they name."""
    settings = read_settings(config)
    return settings, approved_lock(settings)


def _get(value: object, key: str) -> object:
    """Return ``value[key]`` for a mapping or MkDocs' theme object, else None."""
    try:
        return value[key] if value is not None else None  # type: ignore[index]
    except (KeyError, TypeError):
        return None


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    """Return a mapping setting ({} when absent); raise SettingsError when it is not one."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SettingsError(f"{where} must be a group of settings (key: value lines), found {value!r}.")
    return value


def _text(value: object, where: str) -> str:
    """Return a text setting ('' when absent); raise SettingsError when it is a list or a group."""
    if value is None:
        return ""
    if isinstance(value, Mapping | list):
        raise SettingsError(f"{where} must be text, found {value!r}. Quote it if it holds a colon.")
    return str(value).strip()


def _flag(value: object) -> bool:
    """Return a yes/no setting; ``!ENV`` values arrive as YAML-typed strings or booleans."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
