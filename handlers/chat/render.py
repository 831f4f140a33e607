"""Telegram rendering: HTML around the channel-neutral text, and the buttons under an answer."""

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

BUTTON_TEXT = 60


def to_html(rendered: Rendered) -> str:
    parts = []
    if rendered.heading:
        parts.append(f"<b>{escape(rendered.heading)}</b>")
    parts.append(escape(rendered.body))
    if rendered.source_line:
        parts.append(f"<i>{escape(rendered.source_line)}</i>")
    return "\n\n".join(parts)


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
