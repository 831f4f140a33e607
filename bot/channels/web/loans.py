"""The loan questionnaire in the web chat: the channel-neutral state machine, shown as chips.

The answers live in the conversation state under ``loan`` (the state machine's JSON dict plus
when it was last answered). A chip carries ``loan:<step>:<key>`` or a control (``loan:back``,
``loan:cancel``, ``loan:resume``, ``loan:restart``), as Telegram's buttons do, so a chip from an
earlier step is recognised as stale. Typed words answer the open step; after ``IDLE_SECONDS``
typed text is a question again (the answers are kept for 继续).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.channels.web.messages import Message, bot_message, chip, text_message
from bot.core.i18n import N_
from bot.loans import render as words
from bot.loans.questionnaire import RESUME_CHOICES, START_WORDS, Action, FormState, LoanForm, Outcome
from bot.understanding.render import Gettext

log = logging.getLogger(__name__)

KEY = "loan"
PREFIX = "loan:"
IDLE_SECONDS = 30 * 60
AGAIN = N_("想再测时，点菜单里的“💰 小额贷款”。")
ENDED = N_("这份贷款测评已经结束了。想再测时，点菜单里的“💰 小额贷款”。")


def saved(state: dict[str, Any]) -> FormState | None:
    return FormState.from_dict(state.get(KEY))


def wants_text(state: dict[str, Any], text: str) -> bool:
    """Typed text belongs to the questionnaire: it starts one, or one is open and not idle."""
    if text.strip() in START_WORDS:
        return True
    at = (state.get(KEY) or {}).get("at")
    return saved(state) is not None and not (isinstance(at, int | float) and time.time() - at > IDLE_SECONDS)


def step_chips(form: LoanForm, step_state: FormState, _: Gettext) -> list[dict[str, str]]:
    choices = [
        chip(words.choice_label(c, _), f"{PREFIX}{step_state.step.value}:{c.key}")
        for c in form.choices(step_state.step)
    ]
    return [*choices, chip(_("⬅️ 返回"), PREFIX + "back"), chip(_("✖️ 取消"), PREFIX + "cancel")]


def conclude(form: LoanForm, state: dict[str, Any], outcome: Outcome, _: Gettext) -> Message:
    """The next question, or the verdict or goodbye that closes the questionnaire."""
    if outcome.state is not None:
        state[KEY] = {**outcome.state.to_dict(), "at": time.time()}
        return text_message(words.reply(form, outcome, _), step_chips(form, outcome.state, _))
    state.pop(KEY, None)
    if outcome.verdict is None:
        return text_message(words.closed(outcome.action, _) + _(AGAIN))
    return bot_message(
        words.verdict_with_details(form, outcome.verdict, _), [chip(_("🔄 重新测评"), PREFIX + "restart")]
    )


def open_form(form: LoanForm, state: dict[str, Any], _: Gettext) -> Message:
    """Start, or offer 继续 / 重新开始 / 取消 when one is open."""
    current = saved(state)
    if current is None:
        return conclude(form, state, Outcome(Action.NEXT, form.start()), _)
    chips = [chip(words.choice_label(c, _), PREFIX + c.key) for c in RESUME_CHOICES]
    return text_message(words.resume_offer(current, _), chips)


def press(form: LoanForm, state: dict[str, Any], data: str, _: Gettext) -> Message:
    """A ``loan:`` chip, from the open step or an older message."""
    action, current = data.removeprefix(PREFIX), saved(state)
    if action == "restart" or (current is None and action == "resume"):
        return conclude(form, state, Outcome(Action.NEXT, form.start()), _)
    if current is None:
        return text_message(_(ENDED))
    if action == "resume":
        return conclude(form, state, Outcome(Action.NEXT, current), _)
    step, _sep, key = action.partition(":")
    if action == "back":
        outcome = form.back(current)
    elif action == "cancel":
        outcome = form.cancel()
    else:
        outcome = form.press(current, step, key)
    if outcome.problem is not None:
        log.info("stale or forged loan chip %r (%s)", data, outcome.problem)
    return conclude(form, state, outcome, _)


def typed(form: LoanForm, state: dict[str, Any], text: str, _: Gettext) -> Message:
    """Typed words: 贷款测评 opens (or offers to resume); otherwise they answer the open step."""
    current = saved(state)
    if text.strip() in START_WORDS or current is None:
        return open_form(form, state, _)
    return conclude(form, state, form.typed(current, text), _)
