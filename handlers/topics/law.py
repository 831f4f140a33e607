"""The law flow: contents with the basic-duties overview, chapter pages, articles, ``/law``.

Buttons edit the message they sit under, so reading through the law leaves one message
in the chat rather than one per press.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.core.i18n import N_
from bot.law.articles import chapter_page, lookup, overview_entry
from bot.law.render import chapter_page_text, keyword_text, law_menu
from bot.understanding.engine import Kind
from handlers.chat.answer import send_answer
from handlers.chat.edit import View, show_pressed
from handlers.chat.render import answer_html, to_html
from handlers.context import BotContext
from handlers.topics.law_keyboards import article_list_rows, article_rows, chapter_keyboard, contents_keyboard

STALE = N_("这个按钮已经失效了，请发送 /law 重新打开工会法目录。")


def contents_view(context: BotContext) -> View:
    knowledge, _ = context.services.knowledge, context.gettext
    return to_html(law_menu(knowledge.law, overview_entry(knowledge), _)), contents_keyboard(knowledge.law, _)


def button_view(data: str, context: BotContext) -> View | None:
    """The page a law button asks for; None when the data is forged or no longer valid."""
    law, _ = context.services.knowledge.law, context.gettext
    match data.split(":"):
        case ["law", "m"]:
            return contents_view(context)
        case ["law", "c", chapter, page] if chapter.isdecimal() and page.isdecimal():
            found = chapter_page(law, int(chapter), int(page))
            return (to_html(chapter_page_text(found, _)), chapter_keyboard(found, _)) if found else None
        case ["law", "a", number] if number.isdecimal():
            answer = context.services.engine.article_answer(int(number))
            if answer.kind is not Kind.ARTICLE:
                return None
            return answer_html(answer, _), InlineKeyboardMarkup(article_rows(law, int(number), _))
    return None


async def open_law(update: Update, context: BotContext) -> None:
    """The menu's "law" topic and ``/start law``: the contents as a new message."""
    text, markup = contents_view(context)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def on_law_button(update: Update, context: BotContext) -> None:
    await show_pressed(update, context, button_view, STALE)


async def law_command(update: Update, context: BotContext) -> None:
    """``/law`` opens the contents; ``/law 6`` shows an article; ``/law 工会经费`` lists matching articles."""
    found = lookup(context.services.knowledge.law, " ".join(context.args or []))
    if isinstance(found, int):
        await send_answer(update.effective_message, context.services.engine.article_answer(found), context)
        return
    if not found.keyword:
        await open_law(update, context)
        return
    _ = context.gettext
    markup = InlineKeyboardMarkup(article_list_rows(found.articles, _)) if found.articles else None
    await update.effective_message.reply_text(to_html(keyword_text(found, _)), reply_markup=markup)
