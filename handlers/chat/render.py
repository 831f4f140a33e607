"""Telegram rendering: HTML around the channel-neutral text, message splitting, keyboards."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.understanding.engine import Answer
from bot.understanding.render import Gettext, Rendered, render_answer
from handlers.context import BotContext
from handlers.staff.feedback import vote_rows
from handlers.staff.handoff import handoff_rows
from handlers.topics.benefits_keyboards import check_rows
from handlers.topics.law_keyboards import article_answer_rows
from handlers.topics.stations_keyboards import station_answer_rows

MAX_MESSAGE = 4096
BUTTON_TEXT = 60


def to_html(rendered: Rendered) -> str:
    parts = []
    if rendered.heading:
        parts.append(f"<b>{escape(rendered.heading)}</b>")
    parts.append(escape(rendered.body))
    if rendered.source_line:
        parts.append(f"<i>{escape(rendered.source_line)}</i>")
    return "\n\n".join(parts)


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split on paragraph, then line boundaries so that no part exceeds ``limit``.

    Splitting happens on the escaped HTML, only at newlines (never inside a tag, as
    tags here never span lines); an over-long line is cut hard as a last resort.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            cut = limit
            amp = line.rfind("&", limit - 8, limit)
            if amp != -1 and ";" not in line[amp:limit]:
                cut = amp  # never cut inside an HTML entity such as &amp;
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts or [""]


Row = list[InlineKeyboardButton]


def suggestion_rows(answer: Answer, context: BotContext) -> list[Row]:
    title = context.gettext.content
    return [[InlineKeyboardButton(_short(title(s.title)), callback_data=f"ask:{s.ref}")] for s in answer.suggestions]


# Each function adds rows under an answer (suggestions; other modules add theirs here).
ROW_BUILDERS = (suggestion_rows, article_answer_rows, check_rows, station_answer_rows, handoff_rows, vote_rows)


def answer_keyboard(answer: Answer, context: BotContext) -> InlineKeyboardMarkup | None:
    rows = [row for build in ROW_BUILDERS for row in build(answer, context)]
    return InlineKeyboardMarkup(rows) if rows else None


def _short(title: str) -> str:
    return title if len(title) <= BUTTON_TEXT else title[: BUTTON_TEXT - 1] + "…"


def answer_html(answer: Answer, _: Gettext) -> str:
    return to_html(render_answer(answer, _))
