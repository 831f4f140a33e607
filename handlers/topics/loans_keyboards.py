"""Buttons of the loan questionnaire and the callback data they carry.

An answer button carries its step and choice key, ``loan:<step>:<key>`` (e.g. ``loan:group:2``),
so a press from an older message is recognised as stale rather than taken as an answer to
the current step. Controls are ``loan:back``, ``loan:cancel``, ``loan:resume``, ``loan:restart``
and ``loan:details`` (the verdict's details). All are short ASCII, far under Telegram's 64 bytes.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.loans.questionnaire import RESUME_CHOICES, FormState, LoanForm
from bot.loans.render import back_to_step, choice_label
from bot.understanding.render import Gettext

PREFIX = "loan:"
BACK = "back"
CANCEL = "cancel"
RESUME = "resume"
RESTART = "restart"
DETAILS = "details"
PER_ROW = 2

Row = list[InlineKeyboardButton]


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
    """继续 and 重新开始, then 取消 on its own row."""
    buttons = [InlineKeyboardButton(choice_label(c, _), callback_data=PREFIX + c.key) for c in RESUME_CHOICES]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def back_to_step_rows(state: FormState, _: Gettext) -> list[Row]:
    """Under an answer to a question asked in the middle of the questionnaire."""
    return [[InlineKeyboardButton(back_to_step(state, _), callback_data=PREFIX + RESUME)]]


def verdict_keyboard(_: Gettext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("📄 详细说明：额度、期限、怎么申请"), callback_data=PREFIX + DETAILS)],
            [InlineKeyboardButton(_("🔄 重新测评"), callback_data=PREFIX + RESTART)],
        ]
    )


def again_keyboard(_: Gettext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(_("🔄 重新测评"), callback_data=PREFIX + RESTART)]])
