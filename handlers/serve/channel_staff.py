"""The Telegram side of 转人工 from the web chat: post the question to the staff chat, relay the reply.

The web chat runs in this process (``WEB_CHAT=1``), so it reaches staff through this bot. A staff
reply to a web hand-off is caught before the Telegram relay (``handlers/staff/handoff.py``, which
would try to send it to a Telegram chat) and put into the member's web conversation.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, filters

from bot.channels.web.handoff import ChannelHandOffs, StaffForward
from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.services import Services
from bot.staff import handoff_render as words
from handlers.context import BotContext
from handlers.staff.access import is_staff

log = logging.getLogger(__name__)

RELAY_GROUP = -1  # before the Telegram relay in group 0


def forwarder(application: Application, services: Services) -> StaffForward | None:
    """Posts plain text to STAFF_CHAT_ID; None when no staff chat is configured."""
    staff_chat_id = services.settings.staff_chat_id
    if staff_chat_id is None:
        return None

    async def forward(text: str) -> int | None:
        try:
            posted = await application.bot.send_message(staff_chat_id, text, parse_mode=None)
        except TelegramError:
            log.exception("could not post a web chat hand-off to the staff chat")
            return None
        return posted.message_id

    return forward


def relay_replies(application: Application, services: Services, handoffs: ChannelHandOffs) -> None:
    """Route staff replies to web hand-offs into the web conversation they answer."""
    staff_chat_id = services.settings.staff_chat_id
    if staff_chat_id is None:
        return

    async def on_staff_reply(update: Update, context: BotContext) -> None:
        message = update.effective_message
        replied = message.reply_to_message
        if not message.text or not is_staff(update, context):
            return  # not ours to handle: the Telegram relay answers it (or refuses)
        if await handoffs.deliver(message.chat_id, replied.message_id, message.text):
            await message.reply_text(words.relayed_text(gettext_for(DEFAULT_LOCALE)))
            raise ApplicationHandlerStop

    replies = filters.Chat(chat_id=staff_chat_id) & filters.REPLY & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(replies, on_staff_reply), group=RELAY_GROUP)
