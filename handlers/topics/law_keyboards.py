"""Inline keyboards of the law flow and the callback data they carry.

Callback data: ``law:m`` (contents), ``law:c:<chapter>:<page>`` (a chapter page, page from 0),
``law:a:<article>``. Numbers only, so every button stays far below Telegram's 64 bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.content_models import Article
from bot.core.knowledge import Law
from bot.law import render as law_render
from bot.law.articles import OVERVIEW_ARTICLES, ChapterPage, neighbours, page_of
from bot.understanding.engine import Answer, Kind
from bot.understanding.render import Gettext
from handlers.context import BotContext

PREFIX = "law:"
CONTENTS = "law:m"

Row = list[InlineKeyboardButton]


def article_data(number: int) -> str:
    return f"law:a:{number}"


def article_button(label: str, number: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=article_data(number))


def chapter_data(chapter: int, page: int = 0) -> str:
    return f"law:c:{chapter}:{page}"


def contents_keyboard(law: Law, _: Gettext) -> InlineKeyboardMarkup:
    """The overview's articles first, then one button per chapter."""
    overview = [article_button(law_render.article_number(n, _), n) for n in OVERVIEW_ARTICLES]
    chapters = [
        [
            InlineKeyboardButton(
                law_render.chapter_label(c, len(law.in_chapter(c.number)), _), callback_data=chapter_data(c.number)
            )
        ]
        for c in law.chapters
    ]
    return InlineKeyboardMarkup([overview, *chapters])


def article_list_rows(articles: Iterable[Article], _: Gettext) -> list[Row]:
    return [
        [InlineKeyboardButton(law_render.article_label(a, _), callback_data=article_data(a.number))] for a in articles
    ]


def chapter_keyboard(page: ChapterPage, _: Gettext) -> InlineKeyboardMarkup:
    rows = article_list_rows(page.articles, _)
    previous, following = law_render.page_labels(_)
    paging = []
    if page.page > 0:
        paging.append(InlineKeyboardButton(previous, callback_data=chapter_data(page.chapter.number, page.page - 1)))
    if page.page < page.pages - 1:
        paging.append(InlineKeyboardButton(following, callback_data=chapter_data(page.chapter.number, page.page + 1)))
    if paging:
        rows.append(paging)
    rows.append([InlineKeyboardButton(law_render.contents_label(_), callback_data=CONTENTS)])
    return InlineKeyboardMarkup(rows)


def article_rows(law: Law, number: int, _: Gettext) -> list[Row]:
    """‹ previous / next › and the way back to the article's chapter page and the contents."""
    near = neighbours(law, number)
    nav = []
    if near.previous is not None:
        nav.append(
            InlineKeyboardButton(law_render.previous_label(near.previous, _), callback_data=article_data(near.previous))
        )
    if near.next is not None:
        nav.append(article_button(law_render.next_label(near.next, _), near.next))
    article = law.article(number)
    chapter = law.chapter(article.chapter) if article else None
    back = []
    if chapter is not None:
        back.append(
            InlineKeyboardButton(
                law_render.back_to_chapter_label(chapter, _),
                callback_data=chapter_data(chapter.number, page_of(law, number)),
            )
        )
    back.append(InlineKeyboardButton(law_render.contents_label(_), callback_data=CONTENTS))
    return [row for row in (nav, back) if row]


def article_answer_rows(answer: Answer, context: BotContext) -> list[Row]:
    """Under any article answer (typed or pressed): the navigation rows."""
    if answer.kind is not Kind.ARTICLE:
        return []
    return article_rows(context.services.knowledge.law, answer.data["number"], context.gettext)
