"""The Telegram side of 转人工 from the web chat: post the question to the staff chat, relay the reply.

The web chat runs in this process (``WEB_CHAT=1``), so it reaches staff through this bot. A staff
reply to a web hand-off is caught before the Telegram relay (``handlers/staff/handoff.py``, which
would try to send it to a Telegram chat) and put into the member's web conversation. Whether a
reply answers a web hand-off is a store look-up, which a (synchronous) filter cannot make, so this
handler takes every staff reply, first in the default group, and hands the others to the
Telegram relay itself.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, MessageHandler, filters

from bot.channels.web.handoff import ChannelHandOffs, StaffForward, origin_of
from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.services import Services
from bot.staff import handoff_render as words
from handlers.context import BotContext
from handlers.staff.access import is_staff, refuse
from handlers.staff.handoff import on_staff_reply as telegram_relay

log = logging.getLogger(__name__)


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
        """Put a staff member's text reply into the web conversation it answers; any other to the Telegram relay."""
        message = update.effective_message
        replied_id = message.reply_to_message.message_id
        if not message.text or not await origin_of(services, message.chat_id, replied_id):
            await telegram_relay(update, context)  # a Telegram hand-off, or staff talking among themselves
            return
        if not is_staff(update, context):
            await refuse(update, context)
            return
        if await handoffs.deliver(message.chat_id, replied_id, message.text):
            await message.reply_text(words.relayed_text(gettext_for(DEFAULT_LOCALE)))

    replies = filters.Chat(chat_id=staff_chat_id) & filters.REPLY & ~filters.COMMAND
    application.handlers.setdefault(0, []).insert(0, MessageHandler(replies, on_staff_reply))
