"""The topic menu and deep links: a ``menu:<topic>`` button or ``/start <topic>`` opens a flow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from handlers.chat.faq_menu import open_faq
from handlers.context import BotContext
from handlers.staff.handoff import ask_for_question
from handlers.topics.benefits import open_benefits
from handlers.topics.law import open_law
from handlers.topics.loans import open_questionnaire
from handlers.topics.stations import open_stations

Opener = Callable[[Update, BotContext], Awaitable[object]]


async def open_human(update: Update, context: BotContext) -> None:
    await ask_for_question(update.effective_message, update.effective_user, context)


def openers() -> dict[str, Opener]:
    """Menu entry → the coroutine that opens its flow."""
    return {
        "law": open_law,
        "stations": open_stations,
        "benefits": open_benefits,
        "loans": open_questionnaire,
        "faq": open_faq,
        "human": open_human,
    }


async def open_topic(update: Update, context: BotContext, topic: str) -> bool:
    """Open ``topic``'s flow; False when there is no such topic."""
    opener = openers().get(topic)
    if opener is None:
        return False
    await opener(update, context)
    return True


async def on_menu(update: Update, context: BotContext) -> None:
    """Open the flow whose menu button was pressed."""
    query = update.callback_query
    await query.answer()
    topic = (query.data or "").removeprefix("menu:")
    if not await open_topic(update, context, topic):
        await query.message.reply_text(context.gettext("这个按钮已经失效了，请发送 /start 重新打开菜单。"))
