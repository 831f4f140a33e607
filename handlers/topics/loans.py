"""The loan questionnaire in Telegram: a ConversationHandler over the state machine in bot/loans/questionnaire.py.

This module only renders steps as messages and buttons. The answers live in
``user_data["loan"]`` (a JSON-safe dict), the single source of truth: the conversation
state just routes typed text, so a button press is understood even after a restart,
and with persistence an unfinished questionnaire is offered again (继续 / 重新开始).
"""

from __future__ import annotations

import logging
import time
import warnings
from html import escape

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.loans import render as loans_render
from bot.loans.questionnaire import START_WORDS, Action, FormState, LoanForm, Outcome, parse_resume
from handlers.chat import faq
from handlers.chat.render import split_message, to_html
from handlers.context import BotContext
from handlers.topics.loans_keyboards import (
    BACK,
    CANCEL,
    PREFIX,
    RESTART,
    RESUME,
    again_keyboard,
    resume_keyboard,
    step_keyboard,
)

log = logging.getLogger(__name__)

ANSWERING, RESUMING = range(2)
STATE_KEY = "loan"
IDLE_SECONDS = 30 * 60
NAME = "loan_questionnaire"


def loan_form(context: BotContext) -> LoanForm:
    return LoanForm(context.services.knowledge.files.loans)


def saved_state(context: BotContext) -> FormState | None:
    return FormState.from_dict(context.user_data.get(STATE_KEY))


def idle(context: BotContext) -> bool:
    """The questionnaire was left alone long enough that new text is more likely a new question."""
    at = context.user_data.get(STATE_KEY, {}).get("at")
    return isinstance(at, int | float) and time.time() - at > IDLE_SECONDS


async def ask(message: Message, context: BotContext, form: LoanForm, outcome: Outcome) -> int:
    """Keep the questionnaire open at ``outcome.state`` and ask its question."""
    assert outcome.state is not None
    context.user_data[STATE_KEY] = {**outcome.state.to_dict(), "at": time.time()}
    text = loans_render.reply(form, outcome, context.gettext)
    await message.reply_text(escape(text), reply_markup=step_keyboard(form, outcome.state, context.gettext))
    return ANSWERING


async def conclude(message: Message, context: BotContext, form: LoanForm, outcome: Outcome) -> int:
    """Act on an outcome: the next question, or the verdict / goodbye that closes the questionnaire."""
    if outcome.state is not None:
        return await ask(message, context, form, outcome)
    context.user_data.pop(STATE_KEY, None)
    _ = context.gettext
    if outcome.verdict is None:
        await message.reply_text(escape(loans_render.closed(outcome.action, _) + _("想再测时发送 /loan。")))
        return ConversationHandler.END
    parts = split_message(to_html(loans_render.verdict(outcome.verdict, _)))
    for i, part in enumerate(parts, start=1):
        await message.reply_text(part, reply_markup=again_keyboard(_) if i == len(parts) else None)
    return ConversationHandler.END


async def open_questionnaire(update: Update, context: BotContext) -> int:
    """/loan, the menu button, ``/start loans`` or 贷款测评: start, or offer to resume an open one."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    state, message = saved_state(context), update.effective_message
    if state is None:
        form = loan_form(context)
        return await ask(message, context, form, Outcome(Action.NEXT, form.start()))
    text = loans_render.resume_offer(state, context.gettext)
    await message.reply_text(escape(text), reply_markup=resume_keyboard(context.gettext))
    return RESUMING


async def on_button(update: Update, context: BotContext) -> int:
    """Any ``loan:`` button, inside the conversation or from an older message."""
    query = update.callback_query
    await query.answer()
    data, state, form = (query.data or "").removeprefix(PREFIX), saved_state(context), loan_form(context)
    if data == RESTART or (state is None and data == RESUME):
        return await ask(query.message, context, form, Outcome(Action.NEXT, form.start()))
    if state is None:
        log.info("loan button %r pressed with no questionnaire open", query.data)
        await query.message.reply_text(context.gettext("这份贷款测评已经结束了。想再测时发送 /loan。"))
        return ConversationHandler.END
    if data == RESUME:
        return await ask(query.message, context, form, Outcome(Action.NEXT, state))
    step, _, key = data.partition(":")
    outcome = form.back(state) if data == BACK else form.cancel() if data == CANCEL else form.press(state, step, key)
    if outcome.problem is not None:
        log.warning("stale or forged loan button %r (%s)", query.data, outcome.problem)
    return await conclude(query.message, context, form, outcome)


async def on_text(update: Update, context: BotContext) -> int:
    """A typed answer to the current step (or 返回 / 取消 typed as words).

    After ``IDLE_SECONDS`` without an answer the questionnaire steps aside: someone who walked
    away from it and comes back with a question should get an answer, not "没看懂这个金额".
    """
    state, form = saved_state(context), loan_form(context)
    if state is None:  # the state was lost (e.g. cleared by staff): begin again rather than guess
        return await ask(update.effective_message, context, form, Outcome(Action.NEXT, form.start()))
    if idle(context):  # answer it as a question; the answers stay, and /loan offers 继续
        log.info("loan questionnaire idle; text goes to the question engine")
        await faq.on_question(update, context)
        return ConversationHandler.END
    outcome = form.typed(state, update.effective_message.text or "")
    return await conclude(update.effective_message, context, form, outcome)


async def on_resume_text(update: Update, context: BotContext) -> int:
    """Typed 继续 / 重新开始 while the offer is open; anything else shows the offer again."""
    state, form = saved_state(context), loan_form(context)
    choice = parse_resume(update.effective_message.text or "")
    if state is None or choice == RESTART:
        return await ask(update.effective_message, context, form, Outcome(Action.NEXT, form.start()))
    if choice == RESUME:
        return await ask(update.effective_message, context, form, Outcome(Action.NEXT, state))
    _ = context.gettext
    text = _("请点“继续”接着填，或点“重新开始”。") + "\n" + loans_render.resume_offer(state, _)
    await update.effective_message.reply_text(escape(text), reply_markup=resume_keyboard(_))
    return RESUMING


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel at any step: close the questionnaire and forget its answers."""
    return await conclude(update.effective_message, context, loan_form(context), LoanForm.cancel())


def conversation(persistent: bool = True) -> ConversationHandler:
    """The questionnaire's handler; register it before the menu and free-text handlers.

    ``allow_reentry`` lets /loan inside an open questionnaire offer 继续 / 重新开始. Buttons are
    tracked per user and chat, not per message (answers live in user_data), so PTB's
    per_message warning does not apply.
    """
    buttons = CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}")
    start_words = "|".join(sorted(START_WORDS))
    entry_points: list[BaseHandler] = [
        CommandHandler("loan", open_questionnaire),
        CommandHandler("start", open_questionnaire, filters=filters.Regex(r"(?i)^/start(@\w+)?\s+loans\s*$")),
        CallbackQueryHandler(open_questionnaire, pattern=r"^menu:loans$"),
        MessageHandler(filters.Regex(rf"^\s*({start_words})\s*$"), open_questionnaire),
        buttons,
    ]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"If 'per_message=False'", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states={
                ANSWERING: [buttons, MessageHandler(filters.TEXT & ~filters.COMMAND, on_text)],
                RESUMING: [buttons, MessageHandler(filters.TEXT & ~filters.COMMAND, on_resume_text)],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
            name=NAME,
            persistent=persistent,
        )
