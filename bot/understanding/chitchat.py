"""Greetings, thanks, goodbyes and "who are you", told apart from a real question that opens with one.

English phrases are looked for in what the member typed, before English is folded to the knowledge's
Chinese: folded, "who are you" is only 谁 and "what can you do" nothing at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from bot.core.chinese import to_simplified

_PUNCT_RE = re.compile(r"[\W_]+")
_QUESTION_CUE_RE = re.compile(
    r"[?？]|吗|呢|怎么|什么|多少|几|能不能|可不可以|是不是|有没有|哪|谁|啥|咋|how|what|can|why|when|where|who"
)


class ChitChat:
    """The chit-chat phrases of `content/lexicon.json`, longest first, so that a phrase is read whole
    before a shorter one inside it (好的再见, then 再见)."""

    def __init__(self, phrases: Mapping[str, Sequence[str]], fold: Callable[[str], str]) -> None:
        ordered = sorted(((p.lower(), kind) for kind, ps in phrases.items() for p in ps), key=lambda pk: -len(pk[0]))
        # A whole English word or phrase: "hi" greets, the "hi" inside "china" does not.
        self._english = [(re.compile(rf"(?<![a-z]){re.escape(p)}(?![a-z])"), k) for p, k in ordered if p.isascii()]
        self._chinese = [(p, kind) for p, kind in ordered if not p.isascii()]
        self._fold = fold

    def kind(self, raw: str, text: str, vague: Callable[[str], bool]) -> str | None:
        """The chit-chat kind of a message (``raw`` as typed, ``text`` normalised), unless the rest of
        it is a real question: ``vague`` tells whether what is left says too little to search for."""
        typed = to_simplified(raw).lower()
        kind = None
        for pattern, phrase_kind in self._english:
            if pattern.search(typed):
                typed = pattern.sub(" ", typed)
                kind = kind or phrase_kind
        rest = _PUNCT_RE.sub("", self._fold(typed) if kind else text)
        for phrase, phrase_kind in self._chinese:
            if phrase in rest:
                rest = rest.replace(phrase, "")
                kind = kind or phrase_kind
        if kind is None:
            return None
        if kind != "greeting" and not _QUESTION_CUE_RE.search(f"{raw.lower()} {text}"):
            return kind  # "好嘞 俺先去干活了 拜拜": a goodbye with news, not a question
        return kind if vague(rest) else None
