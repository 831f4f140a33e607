"""Buttons of the loan questionnaire and the callback data they carry.

An answer button carries its step and choice key, ``loan:<step>:<key>`` (e.g. ``loan:group:2``),
so a press from an older message is recognised as stale rather than taken as an answer to
the current step. Controls are ``loan:back``, ``loan:cancel``, ``loan:resume`` and
``loan:restart``. All are short ASCII, far under Telegram's 64 bytes.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.loans.questionnaire import RESUME_CHOICES, FormState, LoanForm
from bot.loans.render import choice_label
from bot.understanding.render import Gettext

PREFIX = "loan:"
BACK = "back"
CANCEL = "cancel"
RESUME = "resume"
RESTART = "restart"
PER_ROW = 2


def step_keyboard(form: LoanForm, state: FormState, _: Gettext) -> InlineKeyboardMarkup:
    """The step's choices two to a row, then 返回 and 取消 (there is a way out at every step)."""
    buttons = [
        InlineKeyboardButton(choice_label(c, _), callback_data=f"{PREFIX}{state.step.value}:{c.key}")
        for c in form.choices(state.step)
    ]
    rows = [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    rows.append(
        [
            InlineKeyboardButton(_("⬅️ 返回"), callback_data=PREFIX + BACK),
            InlineKeyboardButton(_("✖️ 取消"), callback_data=PREFIX + CANCEL),
        ]
    )
    return InlineKeyboardMarkup(rows)


def resume_keyboard(_: Gettext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(choice_label(c, _), callback_data=PREFIX + c.key) for c in RESUME_CHOICES]]
    )


def again_keyboard(_: Gettext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(_("🔄 重新测评"), callback_data=PREFIX + RESTART)]])
