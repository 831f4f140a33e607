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
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACE_RE = re.compile(r"\s+")


def normalise(text: str, slips: Mapping[str, str] | None = None) -> str:
    """Fold width, script, numerals and input slips; drop control characters."""
    text = unicodedata.normalize("NFKC", text)[: MAX_QUERY_CHARS * 2]
    text = _CONTROL_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text).strip()[:MAX_QUERY_CHARS]
    text = to_simplified(text).lower()
    for wrong, right in (slips or {}).items():
        text = text.replace(wrong, right)
    return _ORDINAL_RE.sub(lambda m: f"{m.group(1)}{chinese_to_int(m.group(2))}{m.group(3)}", text)


def has_meaningful_text(text: str) -> bool:
    """True when the text has at least one letter or digit (emoji and punctuation alone are not)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
