"""One WeChat message → one passive text reply, over the same engine and flows as the other channels.

Text is a question, a number picking a suggestion, 更多 for the rest of a long answer, or an answer
in the loan questionnaire (numbered replies, as in the console); a location gets the nearest
stations; following the account gets a welcome that says what to type. WeChat sends a message
again when our reply is late (up to three times, same MsgId): each message is answered once and
its retries get the same reply.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any

from wechatpy.messages import BaseMessage

from bot.channels.console_loans import ConsoleLoan
from bot.channels.web.messages import map_link
from bot.channels.web.state import ConversationStates, member_number
from bot.channels.wechat.fit import fit
from bot.core.i18n import DEFAULT_LOCALE, N_, gettext_for
from bot.loans.questionnaire import START_WORDS, FormState
from bot.services import Services
from bot.stations.geo import valid_coordinates
from bot.understanding.engine import Answer, Kind
from bot.understanding.render import Gettext, capabilities, render_answer

log = logging.getLogger(__name__)

CHANNEL = "wechat"
MORE = "更多"
CONTINUATION = N_("\n\n（回复 更多 查看全文）")
MAX_TEXT = 2000  # characters of a member's message we read; WeChat itself allows about this much
IDLE_SECONDS = 30 * 60  # after this, text is a question again (the loan answers are kept for 继续)
SEEN = 2048  # recent message keys remembered for WeChat's retries (they come within 15 s)


class WeChatConversation:
    def __init__(self, services: Services, states: ConversationStates) -> None:
        self.services = services
        self.states = states
        self._seen: OrderedDict[str, asyncio.Future[str | None]] = OrderedDict()

    async def reply(self, message: BaseMessage) -> str | None:
        """The reply text for ``message`` (None: nothing to say), computed once per message."""
        key = f"{message.source}:{message.id or message.time}"  # events carry no MsgId: sender + time
        if (pending := self._seen.get(key)) is not None:
            log.info("WeChat retry of a message already being answered")
            return await asyncio.shield(pending)
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._seen[key] = future
        while len(self._seen) > SEEN:
            self._seen.popitem(last=False)
        try:
            text = await self._answer(message)
        except BaseException as exc:
            self._seen.pop(key, None)
            future.set_exception(exc)
            future.exception()  # retrieved: a retry re-raises it, nobody else needs to
            raise
        future.set_result(text)
        return text

    async def _answer(self, message: BaseMessage) -> str | None:
        _ = gettext_for(DEFAULT_LOCALE)
        if message.type == "event":
            return welcome(_) if getattr(message, "event", "") == "subscribe" else None
        if message.type == "location":
            return self._nearby(message, _)
        if message.type != "text":
            return _("抱歉，我只能读文字消息。请用文字输入您的问题，或发送位置查找附近的服务站点。")
        async with self.states.lock(message.source):
            state = await self.states.load(message.source)
            text = await self._text(message, state, str(message.content or "")[:MAX_TEXT], _)
            shown, state["more"] = fit(text, _(CONTINUATION))
            await self.states.save(message.source, state)
        return shown

    async def _text(self, message: BaseMessage, state: dict[str, Any], text: str, _: Gettext) -> str:
        word = text.strip()
        if word == MORE and state.get("more"):
            return state["more"]
        if (loan := self._loan(state, word, _)) is not None:
            return loan
        refs = state.pop("suggestions", [])
        picked = None
        if word.isdecimal() and 1 <= int(word) <= len(refs):
            picked = self.services.engine.answer_ref(refs[int(word) - 1])
        answer = picked or self.services.engine.answer(text)
        number = member_number(CHANNEL, message.source)
        await self.services.feedback.record_unanswered(number, message.id, number, text, answer)
        return self._render(answer, state, _)

    def _loan(self, state: dict[str, Any], word: str, _: Gettext) -> str | None:
        """The questionnaire's reply when the text belongs to it (as in the console: numbers pick)."""
        loan = ConsoleLoan(self.services.engine, _)
        loan.state = FormState.from_dict(state.get("loan"))
        loan.offering = bool(state.get("loan_offer"))
        idle = time.time() - float(state.get("loan_at", 0)) > IDLE_SECONDS
        if not loan.wants(word) or (idle and word not in START_WORDS):
            return None
        reply = loan.reply(word)
        state["loan"] = loan.state.to_dict() if loan.state else None
        state["loan_offer"], state["loan_at"] = loan.offering, time.time()
        return reply

    def _render(self, answer: Answer, state: dict[str, Any], _: Gettext) -> str:
        """The answer as text; its suggestions numbered, so that replying with a number picks one."""
        text = render_answer(answer, _).plain()
        if answer.suggestions:
            state["suggestions"] = [s.ref for s in answer.suggestions]
            if answer.kind is not Kind.UNSURE:  # an unsure answer already lists them numbered
                lines = [_("回复数字查看相关问题：")]
                lines += [f"{i}. {_.content(s.title)}" for i, s in enumerate(answer.suggestions, start=1)]
                text += "\n\n" + "\n".join(lines)
        return text

    def _nearby(self, message: BaseMessage, _: Gettext) -> str:
        try:
            lat, lon = float(message.location_x), float(message.location_y)
        except (TypeError, ValueError):
            lat = lon = float("nan")
        if not valid_coordinates(lat, lon):
            log.warning("WeChat location out of range or unreadable")
            return _("这个位置无法识别，请重新发送您的位置。")
        stations = self.services.stations
        found = stations.nearest(lat, lon)
        text = render_answer(stations.answer(found), _).plain()
        if found.hits:
            link = map_link(found.hits[0].station, _)
            text += f"\n\n{link['label']}\n{link['href']}"
        return fit(text, _(CONTINUATION))[0]


def welcome(_: Gettext) -> str:
    return "\n\n".join(
        [
            _("您好，欢迎关注！我是职工服务机器人。直接发文字提问就行。"),
            capabilities(_),
            _("回复“贷款测评”，测一测能不能申请工会小额贷款；点“+”发送位置，查找离您最近的服务站点。"),
        ]
    )
