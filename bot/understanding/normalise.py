"""Normalise what a worker types before it is searched.

Phones produce full-width digits and punctuation, Hong Kong and Taiwan keyboards
produce Traditional characters, and pinyin input produces homophone slips (公会 for
工会). All of that is folded here so that the index sees one spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from bot.core.chinese import chinese_to_int, to_simplified

MAX_QUERY_CHARS = 300  # longer input is cut: nobody's question is longer, and cost stays bounded

_CN_NUMBER = r"[零〇一二两三四五六七八九十百千]+"
_ORDINAL_RE = re.compile(rf"(第|工会法)({_CN_NUMBER})(条|章|款)")
# A number read out digit by digit, with 幺 for one (幺二三五幺 is the 12351 hotline): 幺 says so.
_SPOKEN_NUMBER_RE = re.compile(r"[一二三四五六七八九零〇]*幺[幺一二三四五六七八九零〇]*")
_DIGITS = str.maketrans("幺一二三四五六七八九零〇", "112345678900")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACE_RE = re.compile(r"\s+")
# Capital US is the country (Can US workers strike?), not the pronoun that lower case would make it.
_US_RE = re.compile(r"\b(?:U\.S\.A?\.?|USA?)(?![\w.])")
_ENGLISH_ARTICLE_RE = re.compile(r"\barts?\.?\s*(\d+)|\barticles?\s*(\d+)")
_ENGLISH_PIECES_RE = re.compile(r"[a-z]+|[^a-z]+")
_PHRASE_GAP_RE = re.compile(r"^[\s\-]+$")  # words of one phrase are apart by spaces or hyphens
LONGEST_PHRASE = 4  # words in the longest English phrase the lexicon maps


_KEPT_MARK_RE = re.compile("\x00(\\d+)\x01")  # a word a slip keeps whole, while the others are replaced


class Slips:
    """Input slips, replaced longest first. One that maps a word to itself keeps that word whole: 人工智能
    stays though 人工 (Cantonese for wages) becomes 工资, and 帮手机 keeps its 手机 from 帮手 → 帮忙."""

    def __init__(self, slips: Mapping[str, str]) -> None:
        self._slips = {
            wrong: right for wrong, right in sorted(slips.items(), key=lambda kv: -len(kv[0])) if wrong != right
        }
        kept = sorted((wrong for wrong, right in slips.items() if wrong == right), key=len, reverse=True)
        self._kept = kept
        self._kept_re = re.compile("|".join(map(re.escape, kept))) if kept else None

    def fold(self, text: str) -> str:
        """``text`` with its slips replaced; the kept words ride through as control characters, which
        ``normalise`` has already removed from the text itself."""
        if self._kept_re is not None:
            text = self._kept_re.sub(lambda m: f"\x00{self._kept.index(m.group(0))}\x01", text)
        for wrong, right in self._slips.items():
            text = text.replace(wrong, right)
        if self._kept_re is not None:
            text = _KEPT_MARK_RE.sub(lambda m: self._kept[int(m.group(1))], text)
        return text


def normalise(text: str, slips: Slips | None = None, english: English | None = None) -> str:
    """Fold width, script, numerals (spoken digits too) and input slips, and English words to the
    knowledge's Chinese; drop control characters."""
    text = unicodedata.normalize("NFKC", text)[: MAX_QUERY_CHARS * 2]
    text = _CONTROL_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text).strip()[:MAX_QUERY_CHARS]
    text = to_simplified(_US_RE.sub("美国", text)).lower()
    text = _SPOKEN_NUMBER_RE.sub(lambda m: m.group(0).translate(_DIGITS) if len(m.group(0)) >= 3 else m.group(0), text)
    if english is not None:
        text = english.to_chinese(text)
    if slips is not None:
        text = slips.fold(text)
    return _ORDINAL_RE.sub(lambda m: f"{m.group(1)}{chinese_to_int(m.group(2))}{m.group(3)}", text)


class English:
    """Cross-lingual matching without a model: English words and phrases become the Chinese words
    the knowledge is written in ("model workers" → 劳模, "interest-free" → 无息), so an English
    question reaches the same entries by the same index. Unknown words stay as they are."""

    def __init__(self, phrases: Mapping[str, str], stopwords: set[str]) -> None:
        self._phrases = {" ".join(k.lower().replace("-", " ").split()): v for k, v in phrases.items()}
        self._stop = stopwords

    def _lookup(self, phrase: str) -> str | None:
        """The phrase's Chinese, also for an inflected last word: wages, unions, moved, making, stopped."""
        for stem in (phrase, *_stems(phrase)):
            found = self._phrases.get(stem)
            if found is not None:
                return found
        return None

    def to_chinese(self, text: str) -> str:
        if not text.isascii() and not any("a" <= ch <= "z" for ch in text):
            return text
        text = _ENGLISH_ARTICLE_RE.sub(lambda m: f"第{m.group(1) or m.group(2)}条", text.replace("n't", " not"))
        # Phrases that contain a stop word first ("who can apply"), then, without the stop
        # words, the rest ("join the union" → "join union").
        text = self._replace(_ENGLISH_PIECES_RE.findall(text), shortest=2)
        kept = "".join(p for p in _ENGLISH_PIECES_RE.findall(text) if p not in self._stop)
        return _SPACE_RE.sub(" ", self._replace(_ENGLISH_PIECES_RE.findall(kept), shortest=1)).strip()

    def _replace(self, pieces: list[str], shortest: int) -> str:
        """Replace the longest known phrase at each word, of ``shortest`` words or more."""
        out: list[str] = []
        i = 0
        while i < len(pieces):
            if not pieces[i].isalpha() or not pieces[i].isascii():
                out.append(pieces[i])
                i += 1
                continue
            for n in range(LONGEST_PHRASE, shortest - 1, -1):
                last = i + 2 * (n - 1)
                if last >= len(pieces) or not all(_PHRASE_GAP_RE.match(g) for g in pieces[i + 1 : last : 2]):
                    continue
                found = self._lookup(" ".join(pieces[i : last + 1 : 2]))
                if found is not None:
                    out.append(f" {found} ")
                    i = last + 1
                    break
            else:
                out.append(pieces[i])
                i += 1
        return "".join(out)


def _stems(phrase: str) -> list[str]:
    """Plausible uninflected forms of a phrase's last word (a light stemmer, no dictionary)."""
    found = []
    for ending, replacements in (("ies", ("y",)), ("es", ("",)), ("s", ("",)), ("ed", ("", "e")), ("ing", ("", "e"))):
        if phrase.endswith(ending) and len(phrase) > len(ending) + 2:
            base = phrase[: -len(ending)]
            found += [base + r for r in replacements]
            if ending in ("ed", "ing") and len(base) > 2 and base[-1] == base[-2]:
                found.append(base[:-1])  # stopped → stop
    return found


def has_meaningful_text(text: str) -> bool:
    """True when the text has at least one letter or digit (emoji and punctuation alone are not)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
