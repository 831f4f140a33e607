"""Which encoding a Chinese spreadsheet's CSV is in: UTF-8, GB18030 (mainland Excel) or Big5 (Taiwan, Hong Kong).

Excel saves "CSV" in the system's code page. Any byte string of Big5 also decodes as GB18030
without an error, into nonsense (臺北市萬華區 → 籓カ窾地跋), and much GB text decodes as Big5, so
a strict decode alone cannot tell them apart. UTF-8 is strict enough to be taken when it decodes;
otherwise every legacy encoding that decodes is read, and the reading whose characters are the
common ones of written Chinese wins: the 3,755 of GB2312's first level (simplified) and the 5,401
of Big5's first level (traditional). Nonsense readings are full of rare characters, kana and
symbols. A tie goes to GB18030, the mainland's.
"""

from __future__ import annotations

from functools import cache

LEGACY = ("gb18030", "cp950", "big5hkscs")  # cp950: Big5 as Windows writes it; big5hkscs: Hong Kong's extension
SAMPLE_CHARS = 200_000  # enough text to judge by; a national list is tens of MB
_PUNCTUATION = frozenset("、，。；：？！（）《》〈〉「」『』【】“”‘’·—…～　")


class NotText(Exception):
    """The bytes are none of the encodings Excel writes Chinese CSV in."""


def decode_spreadsheet(raw: bytes) -> str:
    """The text of a spreadsheet's bytes; NotText when no encoding fits."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in LEGACY:
        try:
            readings.append(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    if not readings:
        raise NotText("not UTF-8, GB18030 or Big5")
    return max(readings, key=plausibility)  # max keeps the first of equals: GB18030


def plausibility(text: str) -> int:
    """Common Chinese characters (and punctuation) minus other non-ASCII ones, in the first SAMPLE_CHARS."""
    common = _common_characters()
    score = 0
    for char in text[:SAMPLE_CHARS]:
        if char.isascii():
            continue
        score += 1 if char in common or "\uff01" <= char <= "\uff5e" else -1  # FF01–FF5E: full-width ASCII
    return score


@cache
def _common_characters() -> frozenset[str]:
    """GB2312 level 1 (rows B0–D7) and Big5 level 1 (A440–C67E), decoded; plus CJK punctuation."""
    gb2312 = [bytes((lead, trail)) for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)]
    trails = (*range(0x40, 0x7F), *range(0xA1, 0xFF))
    big5 = [bytes((lead, trail)) for lead in range(0xA4, 0xC7) for trail in trails if (lead, trail) < (0xC6, 0x7F)]
    chars = set(_PUNCTUATION)
    for encoding, cells in (("gb2312", gb2312), ("big5", big5)):
        for cell in cells:
            try:
                chars.add(cell.decode(encoding))
            except UnicodeDecodeError:  # the few unassigned cells at the end of a row
                continue
    return frozenset(chars)
