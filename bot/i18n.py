"""Translations and locale negotiation.

Source strings (msgids) are Simplified Chinese, the default locale, so zh_Hans needs
no catalog; zh_Hant and en have catalogs under ``locales/``.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "zh_Hans"
SUPPORTED = ("zh_Hans", "zh_Hant", "en")
_TRADITIONAL_REGIONS = {"HK", "TW", "MO"}


def N_(message: str) -> str:
    """Mark a module-level string for extraction; it is translated where it is used."""
    return message


@cache
def translations(locale: str) -> gettext.NullTranslations:
    if locale == DEFAULT_LOCALE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[locale], fallback=True)


def gettext_for(locale: str):
    return translations(locale if locale in SUPPORTED else DEFAULT_LOCALE).gettext


def negotiate(language_code: str | None) -> str:
    """Map a Telegram ``language_code`` (an IETF tag such as ``zh-hk``) to a supported locale."""
    if not language_code:
        return DEFAULT_LOCALE
    try:
        parsed = Locale.parse(language_code.replace("_", "-"), sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return DEFAULT_LOCALE
    if parsed.language == "en":
        return "en"
    if parsed.language == "zh":
        if parsed.script == "Hant" or (parsed.territory or "").upper() in _TRADITIONAL_REGIONS:
            return "zh_Hant"
        return DEFAULT_LOCALE
    return DEFAULT_LOCALE


def babel_locale(locale: str) -> Locale:
    """The babel Locale used for number, date and distance formatting."""
    return Locale.parse({"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_TW"}.get(locale, locale))
