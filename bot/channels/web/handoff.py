"""转人工 from the web chat: the question goes to the staff chat, the staff reply into the conversation.

The hand-off is recorded with the existing domain (``bot.staff.handoff``), with the member
numbered by ``member_number``; a second record (member state of the ``channel_handoffs``
"channel", keyed by the staff message) says which channel and session it came from, so a staff
reply to it lands in that web conversation instead of a Telegram chat. Posting to the staff chat
needs the Telegram bot, so ``forward`` is given only when the web chat runs in the Telegram
process; without it the chat offers no 转人工.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.web.messages import remember, text_message
from bot.channels.web.state import ConversationStates, member_number
from bot.core.i18n import DEFAULT_LOCALE, N_, gettext_for
from bot.services import Services
from bot.staff import handoff_render as words
from bot.staff.feedback import Question
from bot.staff.handoff import HandOff, Refusal, handoff_key

log = logging.getLogger(__name__)

CHANNEL_HANDOFFS = "channel_handoffs"
MEMBER_LABEL = N_("网页聊天的职工")  # how the staff chat names a member who wrote on the web
# Posts plain text to the staff chat and returns the posted message's id (None: it could not).
StaffForward = Callable[[str], Awaitable[int | None]]


async def origin_of(services: Services, staff_chat_id: int, staff_message_id: int) -> dict[str, Any]:
    """Which channel and member a hand-off posted as this staff message came from; {} for a Telegram one."""
    return await services.member_state.load(CHANNEL_HANDOFFS, handoff_key(staff_chat_id, staff_message_id))


class ChannelHandOffs:
    def __init__(self, services: Services, states: ConversationStates, forward: StaffForward | None) -> None:
        self._services = services
        self._states = states
        self._forward = forward

    @property
    def available(self) -> bool:
        return self._forward is not None and self._services.handoffs.staff_chat_id is not None

    async def hand_off(self, member_id: str, message_id: int, text: str, locale: str) -> str:
        """Hand ``text`` (the question answered in ``message_id``) to staff; the words for the member."""
        _ = gettext_for(locale)
        number = member_number(self._states.channel, member_id)
        question = Question(number, message_id, number, text)
        handoffs = self._services.handoffs
        refusal = Refusal.NO_STAFF if self._forward is None else await handoffs.refusal(question)
        if refusal is Refusal.NO_STAFF:
            return _("抱歉，目前没有开通人工服务。请换个说法再问我。")
        if refusal is not None:
            return words.refusal_text(refusal, _)
        staff_ = gettext_for(DEFAULT_LOCALE)  # staff read the default language
        staff_text = words.staff_request_text(staff_(MEMBER_LABEL), number, text, staff_)
        staff_message_id = await self._forward(staff_text) if self._forward else None
        if staff_message_id is None:
            return words.unavailable_text(_)
        handoff = await handoffs.record(question, staff_message_id, locale)
        origin = {"channel": self._states.channel, "member": member_id}
        await self._services.member_state.save(CHANNEL_HANDOFFS, handoff.key, origin)
        log.info("handed off a %s question to staff", self._states.channel)
        return _("已经把您的问题转给工会工作人员。他们的回复会出现在这个对话里：请保持页面打开，或稍后再打开本页查看。")

    async def deliver(self, staff_chat_id: int, staff_message_id: int, reply: str) -> bool:
        """Put a staff reply into the conversation it answers; False when it answers no hand-off of ours."""
        origin = await origin_of(self._services, staff_chat_id, staff_message_id)
        handoff = await self._services.handoffs.find(staff_chat_id, staff_message_id) if origin else None
        if handoff is None or origin is None or origin.get("channel") != self._states.channel:
            return False
        await self._append(handoff, origin["member"], reply)
        await self._services.handoffs.replied(handoff)
        return True

    async def _append(self, handoff: HandOff, member_id: str, reply: str) -> None:
        async with self._states.lock(member_id):
            state = await self._states.load(member_id)
            remember(state, text_message(words.relay_text(reply, gettext_for(handoff.locale))))
            await self._states.save(member_id, state)
