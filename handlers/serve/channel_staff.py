"""The Telegram side of 转人工 from the web chat: post the question to the staff chat, relay the reply.

The web chat runs in this process (``WEB_CHAT=1``), so it reaches staff through this bot. A staff
reply to a web hand-off is caught before the Telegram relay (``handlers/staff/handoff.py``, which
would try to send it to a Telegram chat) and put into the member's web conversation. Only one
handler of a group runs, so the filter matches nothing but replies to web hand-offs, and the
handler goes first in the default group (the gates hold the groups before it).
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, MessageHandler, filters

from bot.channels.web.handoff import CHANNEL_HANDOFFS, ChannelHandOffs, StaffForward
from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.services import Services
from bot.staff import handoff_render as words
from bot.staff.handoff import handoff_key
from handlers.context import BotContext
from handlers.staff.access import is_staff, refuse

log = logging.getLogger(__name__)


class _ChannelHandOffReply(filters.MessageFilter):
    """A reply to a staff-chat message that is a hand-off from another channel (one store look-up)."""

    def __init__(self, services: Services) -> None:
        super().__init__(name="channel_handoff_reply")
        self._store = services.store

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return (
            replied is not None
            and self._store.get(CHANNEL_HANDOFFS, handoff_key(message.chat_id, replied.message_id)) is not None
        )


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
        """Put a staff member's text reply into the web conversation it answers."""
        message = update.effective_message
        if not is_staff(update, context):
            await refuse(update, context)
            return
        if await handoffs.deliver(message.chat_id, message.reply_to_message.message_id, message.text):
            await message.reply_text(words.relayed_text(gettext_for(DEFAULT_LOCALE)))

    replies = filters.Chat(chat_id=staff_chat_id) & filters.TEXT & ~filters.COMMAND & _ChannelHandOffReply(services)
    application.handlers.setdefault(0, []).insert(0, MessageHandler(replies, on_staff_reply))
