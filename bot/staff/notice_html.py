"""Check staff-written HTML against what Telegram's HTML parse mode accepts, before anything is sent.

Telegram rejects a whole message for one unknown tag or unbalanced close tag, so a
notice to thousands must be checked first. The rules follow the Bot API "HTML style":
a fixed set of tags, a few attributes, only &lt; &gt; &amp; &quot; and numeric entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

# tag → attributes it may carry
ALLOWED: dict[str, frozenset[str]] = {
    **dict.fromkeys(("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler"), frozenset()),
    "span": frozenset({"class"}),  # only class="tg-spoiler"
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),  # class="language-python" inside <pre>
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "tg-time": frozenset({"unix", "format"}),  # what PTB's Message.text_html writes for a date entity
}
NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
TELEGRAM_MAX_TEXT = 4096  # UTF-16 code units of visible text
_NUMERIC_ENTITY = re.compile(r"^#(\d+|[xX][0-9a-fA-F]+)$")


@dataclass(frozen=True)
class HtmlProblem:
    code: str  # "invalid_html" or "too_long"
    detail: str


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.problem: str | None = None

    def _fail(self, detail: str) -> None:
        if self.problem is None:
            self.problem = detail

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            return self._fail(f"tag <{tag}> is not supported by Telegram")
        for name, value in attrs:
            if name not in ALLOWED[tag]:
                return self._fail(f"attribute {name!r} is not allowed on <{tag}>")
            if tag == "span" and value != "tg-spoiler":
                return self._fail('<span> needs class="tg-spoiler"')
        if tag == "a" and not dict(attrs).get("href"):
            return self._fail("<a> needs an href")
        self.stack.append(tag)
        return None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._fail(f"self-closing <{tag}/> is not supported by Telegram")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            expected = f"</{self.stack[-1]}>" if self.stack else "no closing tag"
            self._fail(f"</{tag}> does not match: expected {expected}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self._fail("a bare '<' must be written &lt;")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self._fail(f"entity &{name}; is not supported by Telegram (only &lt; &gt; &amp; &quot;)")
        self.text.append(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self._fail("HTML comments are not supported by Telegram")

    def handle_decl(self, decl: str) -> None:
        self._fail("declarations are not supported by Telegram")

    handle_pi = handle_decl
    unknown_decl = handle_decl


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def check_html(text: str, limit: int = TELEGRAM_MAX_TEXT) -> HtmlProblem | None:
    """The first problem Telegram would reject ``text`` for, or None when it will be accepted."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    if checker.rawdata:  # an unterminated tag such as "<b" stays unparsed
        checker._fail("a tag is not closed with '>'")
    if checker.problem is None and checker.stack:
        checker._fail(f"<{checker.stack[-1]}> is never closed")
    if checker.problem is not None:
        return HtmlProblem("invalid_html", checker.problem)
    visible = "".join(checker.text)
    if not visible.strip():
        return HtmlProblem("empty_text", "the text has no visible characters")
    length = utf16_length(visible)
    if length > limit:
        return HtmlProblem("too_long", f"{length} characters after HTML parsing; Telegram allows {limit}")
    return None
