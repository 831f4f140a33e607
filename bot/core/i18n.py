"""Translations, locale negotiation, the script of knowledge text, and locale-aware formats.

Source strings (msgids) are Simplified Chinese, the default locale, so zh_Hans needs
no catalog; zh_Hant and en have catalogs under ``locales/``. Knowledge content is
written once, in Simplified Chinese: zh_Hant readers get it converted by OpenCC,
English readers get it as it is with a note (unless an entry has an English text).
"""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import cache, cached_property, lru_cache
from pathlib import Path

import opencc
from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.units import format_unit

from bot.core.chinese import int_to_chinese
from bot.core.settings import ROOT

LOCALES_DIR = ROOT / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "zh_Hans"
SUPPORTED = ("zh_Hans", "zh_Hant", "en")
_TRADITIONAL_REGIONS = {"HK", "TW", "MO"}

# s2tw: OpenCC's phrase-level Simplified→Traditional (头发→頭髮 but 发展→發展) with the
# Taiwan standard glyphs (為, 裡, 著, 群眾) that Hong Kong and Macao readers read without
# friction too. Not s2twp: its vocabulary swaps (信息→資訊, 出租车→計程車, 网络→網路)
# would reword mainland statutes and names into Taiwan usage. Not s2hk: its glyphs (着, 裏)
# look dated to Taiwan readers, and one conversion keeps the zh_Hant catalog consistent.
OPENCC_CONFIG = "s2tw"
# Babel locale per supported locale. zh_Hant uses Hong Kong conventions for units
# (米 rather than Taiwan's 公尺), matching the mainland wording of the content.
_BABEL = {"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_HK", "en": "en"}
_DATE_SKELETONS = {1: "y", 2: "yMMM", 3: "yMMMd"}  # by the precision of YYYY[-MM[-DD]]


def N_(message: str) -> str:
    """Mark a module-level string for extraction; it is translated where it is used."""
    return message


@cache
def translations(locale: str) -> gettext.NullTranslations:
    if locale == DEFAULT_LOCALE:
        return gettext.NullTranslations()
    po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        return _compile(po)  # a checkout where `make` has not compiled the catalog yet
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[locale], fallback=True)


def _compile(po: Path) -> gettext.GNUTranslations:
    with po.open("rb") as fh:
        catalog = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


_WAN_YUAN = N_("{amount}万元")  # 5万元: Chinese forms count money in units of ten thousand
_YUAN = N_("{amount}元")
_CHINESE_ONLY = N_("（此回答暂时只有中文版本。）")


class Localizer:
    """Everything that depends on the reader's locale, built once per locale.

    Callable like ``gettext`` (so renderers write ``_("…")``) and also converts knowledge
    text into the reader's script and formats numbers, money, dates and distances.
    """

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in SUPPORTED else DEFAULT_LOCALE
        self._translations = translations(self.locale)

    def __call__(self, message: str) -> str:
        return self._translations.gettext(message)

    def __repr__(self) -> str:
        return f"Localizer({self.locale!r})"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    @property
    def language(self) -> str:
        """``zh`` or ``en``: whether knowledge text (always Chinese) is in the reader's language."""
        return self.locale.split("_")[0]

    @cached_property
    def babel(self) -> Locale:
        return babel_locale(self.locale)

    def content(self, text: str) -> str:
        """Knowledge text (written in Simplified Chinese) in the reader's script."""
        if self.locale != "zh_Hant" or not text:
            return text
        return _converter(OPENCC_CONFIG).convert(text)

    def label(self, name: str, en: str) -> str:
        """A label from content (a button, a group, a city): the English name for English readers,
        else the Chinese name in the reader's script."""
        return en if self.language == "en" else self.content(name)

    def chinese_only(self) -> list[str]:
        """The line telling an English reader that the knowledge text after it is in Chinese (none for Chinese)."""
        return [] if self.language == "zh" else [self(_CHINESE_ONLY)]

    def numeral(self, number: int) -> str:
        """A count inside Chinese wording (第六条) in Chinese numerals; digits in English."""
        return int_to_chinese(number) if self.language == "zh" else str(number)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.babel)

    def money(self, yuan: float) -> str:
        """An amount in yuan as the reader writes it: 5万元 / 1.5万元 / 800元 in Chinese, ¥50,000 in English."""
        pattern = "#,##0.##" if self.language == "zh" or float(yuan).is_integer() else "#,##0.00"
        if self.language != "zh":
            return "¥" + format_decimal(yuan, format=pattern, locale=self.babel)
        if yuan >= 10_000 and yuan % 100 == 0:
            return self(_WAN_YUAN).format(amount=format_decimal(yuan / 10_000, format=pattern, locale=self.babel))
        return self(_YUAN).format(amount=format_decimal(yuan, format=pattern, locale=self.babel))

    def date(self, value: date | str) -> str:
        """A date, or a partial ``YYYY`` / ``YYYY-MM`` as sources give it, only as precise as given."""
        if isinstance(value, date):
            return _format_date(self.locale, value, "yMMMd")
        parts = [int(p) for p in value.split("-")]
        padded = date(parts[0], *[*parts[1:], 1, 1][:2])
        return _format_date(self.locale, padded, _DATE_SKELETONS[len(parts)])

    def distance(self, meters: float) -> str:
        """Metres under a kilometre, else kilometres with one decimal: 350米 / 1.2公里 / 1.2 km."""
        if meters < 1000:
            return _format_length(self.locale, "length-meter", round(meters))
        return _format_length(self.locale, "length-kilometer", round(meters / 1000, 1))


# Babel re-reads its locale data on every call (~0.1 ms); sources cite few dates and replies
# round distances, so the same few values recur and are worth caching.
@lru_cache(maxsize=1024)
def _format_date(locale: str, value: date, skeleton: str) -> str:
    return format_skeleton(skeleton, value, locale=babel_locale(locale))


@lru_cache(maxsize=4096)
def _format_length(locale: str, unit: str, value: float) -> str:
    return format_unit(value, unit, length="short", format="#,##0.#", locale=babel_locale(locale))


@cache
def gettext_for(locale: str) -> Localizer:
    return Localizer(locale)


@lru_cache(maxsize=256)
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


@cache
def babel_locale(locale: str) -> Locale:
    """The babel Locale used for number, date and distance formatting."""
    return Locale.parse(_BABEL.get(locale, locale))


# Each language named in itself, so that a reader finds theirs whatever the current locale.
LANGUAGE_NAMES = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文", "en": "English"}


def parse_choice(raw: str) -> str | None:
    """A locale a user typed after /language (``en``, ``zh_Hant``, ``zh-tw``, ``繁體中文``), or None."""
    text = raw.strip()
    for locale, name in LANGUAGE_NAMES.items():
        if text.lower() in (locale.lower(), name.lower()):
            return locale
    if not text or len(text) > 35:
        return None
    try:
        language = Locale.parse(text.replace("_", "-"), sep="-").language
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    return negotiate(text) if language in ("zh", "en") else None
