"""The menu's ❓ 常见问题: buttons of the questions members ask most, one tap to each answer.

Once members have asked enough (an answer given to ``MIN_ASKERS`` different members in the
last week), the most asked come first, from the feedback journal; the curated list of
content/menu.json fills the rest, so a new bot still has a useful menu.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.understanding.engine import Answer, Kind
from bot.understanding.render import Gettext
from handlers.context import BotContext

BUTTONS = 6
MIN_ASKERS = 3


def faq_refs(popular: list[str], curated: list[str], limit: int = BUTTONS) -> list[str]:
    """The most asked first, then the curated ones, without repeats."""
    return list(dict.fromkeys([*popular, *curated]))[:limit]


def button_text(answer: Answer, _: Gettext) -> str:
    if answer.kind is Kind.ARTICLE:
        return _("工会法第{number}条").format(number=_.numeral(answer.data["number"]))
    return _.content(answer.title)


async def open_faq(update: Update, context: BotContext) -> None:
    """Buttons of the most asked questions; a press is answered like a suggestion (``ask:<ref>``)."""
    services, _ = context.services, context.gettext
    popular = await services.feedback.most_asked(BUTTONS, min_askers=MIN_ASKERS)
    curated = [f"qa:{entry_id}" for entry_id in services.knowledge.files.menu.faq]
    found = [(ref, services.engine.answer_ref(ref)) for ref in faq_refs(popular, curated, BUTTONS * 2)]
    rows = [
        [InlineKeyboardButton(button_text(answer, _), callback_data=f"ask:{ref}")]
        for ref, answer in found
        if answer is not None
    ][:BUTTONS]
    text = "\n".join([_("大家常问的问题，点一下看回答；也可以直接输入您的问题。"), *_.chinese_only()])
    await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))
