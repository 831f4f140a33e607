"""The topic menu and deep links: a ``menu:<topic>`` button or ``/start <topic>`` opens a flow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.core.i18n import N_
from handlers.context import BotContext
from handlers.topics.benefits import open_benefits
from handlers.topics.law import open_law
from handlers.topics.loans import open_questionnaire
from handlers.topics.stations import open_stations

Opener = Callable[[Update, BotContext], Awaitable[object]]

EXAMPLES = {
    "law": N_("可以这样问：“工会法第6条”“老板拖欠工资工会能管吗”“怎么成立工会”"),
    "benefits": N_("可以这样问：“劳模去雪乡要门票吗”“劳模看病要挂号费吗”“退休劳模能享受吗”"),
    "stations": N_("发送您的位置，或者这样问：“海口龙华区的站点”“附近哪里能热饭”"),
    "loans": N_("可以这样问：“工会无息借款谁能申请”“能借多少钱”“创业担保贷款最高多少”"),
    "faq": N_("可以这样问：“江苏工会怎么助力产改”“北京一线劳动者微笑照”"),
}


async def show_examples(update: Update, context: BotContext, topic: str) -> None:
    """The fallback for a topic without its own flow: example questions to type."""
    await update.effective_message.reply_text(context.gettext(EXAMPLES[topic]))


def openers() -> dict[str, Opener]:
    """Topic → the coroutine that opens its flow; a topic missing here shows examples."""
    return {"law": open_law, "stations": open_stations, "benefits": open_benefits, "loans": open_questionnaire}


async def open_topic(update: Update, context: BotContext, topic: str) -> bool:
    """Open ``topic``'s flow; False when there is no such topic."""
    if topic not in EXAMPLES:
        return False
    opener = openers().get(topic)
    if opener is None:
        await show_examples(update, context, topic)
    else:
        await opener(update, context)
    return True


async def on_menu(update: Update, context: BotContext) -> None:
    """Open the flow whose menu button was pressed."""
    query = update.callback_query
    await query.answer()
    topic = (query.data or "").removeprefix("menu:")
    if not await open_topic(update, context, topic):
        await query.message.reply_text(context.gettext("这个按钮已经失效了，请发送 /start 重新打开菜单。"))
