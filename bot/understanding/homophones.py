"""Homophone slips of the knowledge's own words: 经废 → 经费, 扶顺 → 抚顺, 热县 → 热线.

Pinyin keyboards and voice input write a word by its sound, and a slip is another character
with the same syllable. A list of slips typed by hand only catches the slips someone thought
of; this folds any run of characters that segments as loose single characters (no word of its
own) and sounds like a domain word (same syllables, tones ignored) into that word. Runs that
are words already (公子, 工作) are never touched, so real words are not "corrected".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from itertools import product

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

LONGEST = 4  # characters in the longest word folded
MAX_READINGS = 16  # combinations of a run's readings tried (a few characters have several)


@cache
def _readings(char: str) -> tuple[str, ...]:
    """The syllables a character may be read as, without tones."""
    raw = pinyin_dict.get(ord(char))
    if raw is None:
        return ()
    return tuple(dict.fromkeys(_toneless(r) for r in raw.split(",")))


def _toneless(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))


def _is_han(token: str) -> bool:
    return len(token) == 1 and "\u4e00" <= token <= "\u9fff"


class Homophones:
    """Folds sound-alike runs of single characters into the domain words they sound like."""

    def __init__(self, words: Iterable[str], function_chars: Iterable[str] = ()) -> None:
        # 的, 了, 没 … are written right far more often than slipped: 搞的 is not 高德, 没钱 not 没签.
        self._function = {c for c in function_chars if len(c) == 1}
        self._by_sound: dict[tuple[str, ...], str] = {}
        for word in sorted(set(words), key=lambda w: (len(w), w)):
            if 2 <= len(word) <= LONGEST and all("\u4e00" <= c <= "\u9fff" for c in word):
                key = tuple(lazy_pinyin(word, style=Style.NORMAL))
                self._by_sound.setdefault(key, word)  # the first (shortest, then sorted) word keeps a sound

    def correct(self, text: str, segment: Callable[[str], list[str]]) -> str:
        """The text with each sound-alike run replaced; ``segment`` is the tokenizer's jieba cut."""
        tokens = segment(text)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if not _is_han(tokens[i]):
                out.append(tokens[i])
                i += 1
                continue
            run_end = i
            while run_end < len(tokens) and _is_han(tokens[run_end]):
                run_end += 1
            out.append(self._fold_run("".join(tokens[i:run_end])))
            i = run_end
        return "".join(out)

    def _fold_run(self, run: str) -> str:
        out = []
        i = 0
        while i < len(run):
            for n in range(min(LONGEST, len(run) - i), 1, -1):
                word = self._match(run[i : i + n])
                if word is not None:
                    out.append(word)
                    i += n
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)

    def _match(self, chars: str) -> str | None:
        if any(c in self._function for c in chars):
            return None
        options = [_readings(c) for c in chars]
        if not all(options):
            return None
        for count, key in enumerate(product(*options)):
            if count >= MAX_READINGS:
                break
            word = self._by_sound.get(key)
            if word is not None:
                return word
        return None
