"""One step of a web conversation: what the member sent → the bot's messages, state saved.

The page sends one action per POST (``parse_action``): a typed question ``{"q"}``, a pressed chip
``{"button"}``, a location ``{"location": [lat, lon]}``, a vote ``{"vote", "message"}``, 转人工
``{"handoff": message}`` or a language ``{"locale"}``. Each step loads the member's state, runs,
appends the user's and the bot's messages to the history and saves it, under the member's lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.channels.web import benefits, loans, topics
from bot.channels.web.handoff import ChannelHandOffs
from bot.channels.web.limits import MAX_QUESTION
from bot.channels.web.messages import GEO, Message, answer_message, find, remember, text_message, user_message
from bot.channels.web.state import ConversationStates, member_number
from bot.core.i18n import N_, SUPPORTED, gettext_for, negotiate
from bot.loans.questionnaire import LoanForm
from bot.services import Services
from bot.staff.feedback import Vote
from bot.stations.directory import is_need
from bot.stations.geo import parse_location, valid_coordinates
from bot.understanding.render import Gettext

log = logging.getLogger(__name__)

STALE = N_("这个按钮已经失效了，请重新输入您的问题。")
ACTIONS = ("q", "button", "location", "vote", "handoff", "locale")


@dataclass(frozen=True)
class Action:
    kind: str  # one of ACTIONS
    value: Any
    message: int | None = None  # the bot message a vote is about


def parse_action(raw: Any) -> Action | None:
    """The action a POST body asks for; None when it is not exactly one well-formed action."""
    if not isinstance(raw, dict):
        return None
    kinds = [k for k in ACTIONS if k in raw]
    if len(kinds) != 1 or set(raw) - {*kinds, "message"}:
        return None
    kind, value = kinds[0], raw[kinds[0]]
    if kind in ("q", "button") and isinstance(value, str) and 0 < len(value) <= MAX_QUESTION:
        return Action(kind, value)
    if kind == "location" and (where := parse_location(value)) is not None:
        return Action(kind, where)
    if kind == "vote" and isinstance(value, str) and value in set(Vote) and _message_id(raw.get("message")):
        return Action(kind, Vote(value), raw["message"])
    if kind == "handoff" and _message_id(value):
        return Action(kind, value)
    if kind == "locale" and value in SUPPORTED:
        return Action(kind, value)
    return None


def _message_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@dataclass
class Step:
    """What a step produced: new messages, and a notice that is not part of the conversation."""

    messages: list[Message]
    notice: str | None = None


class WebChat:
    def __init__(self, services: Services, states: ConversationStates, handoffs: ChannelHandOffs) -> None:
        self.services = services
        self.states = states
        self.handoffs = handoffs
        self.form = LoanForm(services.knowledge.files.loans)

    @staticmethod
    def locale(state: dict[str, Any], accept_language: str | None) -> str:
        """The member's chosen language, else the browser's first."""
        chosen = state.get("locale")
        return chosen if chosen in SUPPORTED else negotiate((accept_language or "").split(",")[0].split(";")[0])

    async def history(self, member_id: str, accept_language: str | None, after: int = 0) -> tuple[str, list[Message]]:
        """The locale and the messages after ``after``. Reading saves nothing: a visitor who only
        looks (or a client without cookies) costs no storage; the welcome is stored with the first action."""
        state = await self.states.load(member_id)
        locale = self.locale(state, accept_language)
        if not state.get("messages"):
            return locale, [{**topics.welcome(gettext_for(locale)), "id": 0}] if after == 0 else []
        return locale, [m for m in state["messages"] if m["id"] > after]

    async def act(self, member_id: str, action: Action, accept_language: str | None) -> Step:
        async with self.states.lock(member_id):
            state = await self.states.load(member_id)
            if action.kind == "locale":
                state["locale"] = action.value
            _ = gettext_for(self.locale(state, accept_language))
            if not state.get("messages"):
                remember(state, topics.welcome(_))
            said = self._echo(state, action, _)
            step = await self._run(member_id, state, action, _)
            step.messages = [remember(state, m) for m in ([said] if said else []) + step.messages]
            await self.states.save(member_id, state)
        return step

    def _echo(self, state: dict[str, Any], action: Action, _: Gettext) -> Message | None:
        """What the member's side of the conversation shows for the action."""
        if action.kind == "q":
            return user_message(action.value)
        if action.kind == "location":
            return user_message(_("📍 我的位置"))
        if action.kind == "button":
            labels = [c["label"] for m in state.get("messages", [])[-10:] for c in m.get("chips", [])]
            data = [c["data"] for m in state.get("messages", [])[-10:] for c in m.get("chips", [])]
            return user_message(labels[data.index(action.value)]) if action.value in data else None
        return None

    async def _run(self, member_id: str, state: dict[str, Any], action: Action, _: Gettext) -> Step:
        if action.kind == "q":
            return Step(await self._typed(member_id, state, action.value, _))
        if action.kind == "button":
            return Step(self._pressed(state, action.value, _))
        if action.kind == "location":
            return Step([self._nearby(*action.value, None, _)])
        if action.kind == "vote":
            return Step([], await self._vote(member_id, state, action.message or 0, action.value, _))
        if action.kind == "handoff":
            return Step([text_message(await self._hand_off(member_id, state, action.value, _))])
        return Step([topics.welcome(_)])  # a new language: the menu in it

    def _answer(self, answer: Any, _: Gettext) -> Message:
        return answer_message(answer, _, self.services.stations.needs, self.handoffs.available)

    async def _typed(self, member_id: str, state: dict[str, Any], text: str, _: Gettext) -> list[Message]:
        if loans.wants_text(state, text):
            return [loans.typed(self.form, state, text, _)]
        answer = self.services.engine.answer(text)
        number = member_number(self.states.channel, member_id)
        await self.services.feedback.record_unanswered(number, int(state.get("seq", 0)) + 1, number, text, answer)
        return [self._answer(answer, _)]

    def _pressed(self, state: dict[str, Any], data: str, _: Gettext) -> list[Message]:
        found: Message | list[Message] | None = None
        if data.startswith("ask:") and (answer := self.services.engine.answer_ref(data[4:])) is not None:
            found = self._answer(answer, _)
        elif data.startswith("menu:"):
            found = self._topic(state, data[5:], _)
        elif data.startswith(loans.PREFIX):
            found = loans.press(self.form, state, data, _)
        elif data.startswith("ben:"):
            found = benefits.press(self.services.knowledge.files.benefits.policies, data, _)
        elif data.startswith("st:") and (parsed := _station_filter(data)) is not None:
            found = self._nearby(*parsed, _)
        elif data == GEO:
            found = topics.stations(_)
        if found is None:
            log.info("stale or forged web chat button %r", data[:80])
            return [text_message(_(STALE))]
        return found if isinstance(found, list) else [found]

    def _topic(self, state: dict[str, Any], topic: str, _: Gettext) -> Message | list[Message] | None:
        if topic == "law":
            return topics.law(self.services, _, self.handoffs.available)
        if topic == "stations":
            return topics.stations(_)
        if topic == "benefits":
            return benefits.start(self.services.knowledge.files.benefits.policies, _)
        if topic == "loans":
            return loans.open_form(self.form, state, _)
        return topics.examples(self.services, topic, _) if topic == "faq" else None

    def _nearby(self, lat: float, lon: float, need: str | None, _: Gettext) -> Message:
        stations = self.services.stations
        return self._answer(stations.answer(stations.nearest(lat, lon, need)), _)

    async def _vote(self, member_id: str, state: dict[str, Any], message_id: int, vote: Vote, _: Gettext) -> str:
        message = find(state, message_id)
        if message is None or not message.get("vote"):
            return _("这个按钮已经失效了。")
        number = member_number(self.states.channel, member_id)
        await self.services.feedback.vote(number, message_id, number, message["vote"], vote)
        message["voted"] = str(vote)
        return _("谢谢您的反馈！") if vote is Vote.UP else _("谢谢反馈，我们会改进这个回答。")

    async def _hand_off(self, member_id: str, state: dict[str, Any], message_id: int, _: Gettext) -> str:
        message = find(state, message_id)
        asked = [m for m in state.get("messages", []) if m["role"] == "user" and m["id"] < message_id]
        if message is None or not message.get("handoff") or not asked:
            return _("这个按钮已经失效了。")
        message["handed"] = True
        return await self.handoffs.hand_off(member_id, asked[-1]["id"], asked[-1]["body"], _.locale)


def _station_filter(data: str) -> tuple[float, float, str | None] | None:
    """(lat, lon, need) from a filter chip ``st:<need|all>:<lat>:<lon>``; None when forged."""
    match data.split(":"):
        case ["st", need, lat, lon] if need == "all" or is_need(need):
            try:
                where = float(lat), float(lon)
            except ValueError:
                return None
            return (*where, None if need == "all" else need) if valid_coordinates(*where) else None
    return None
