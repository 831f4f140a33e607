"""The loan questionnaire in Telegram: a ConversationHandler over the state machine in bot/loans/questionnaire.py.

This module only renders steps as messages and buttons. The answers live in
``user_data["loan"]`` (a JSON-safe dict), the single source of truth: the conversation
state just routes typed text, so a button press is understood even after a restart,
and with persistence an unfinished questionnaire is offered again (继续 / 重新开始).

The questionnaire never traps a member: another command or a menu button pauses it (the next
message is read afresh, the answers stay for 继续), and a question typed at a step is answered
with a button back to the step.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import asdict
from html import escape

from telegram import InlineKeyboardMarkup, Message, Update
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
from bot.loans.aside import aside
from bot.loans.questionnaire import START_WORDS, Action, FormState, LoanForm, Outcome, parse_resume
from bot.loans.rules import Answers
from handlers.chat import faq
from handlers.chat.keyboards import topics_keyboard
from handlers.chat.render import to_html
from handlers.chat.split import split_message
from handlers.context import BotContext
from handlers.staff.handoff import drop_wait
from handlers.topics.loans_keyboards import (
    BACK,
    CANCEL,
    DETAILS,
    PREFIX,
    RESTART,
    RESUME,
    again_keyboard,
    back_to_step_rows,
    resume_keyboard,
    step_keyboard,
    verdict_keyboard,
)

log = logging.getLogger(__name__)

ANSWERING, RESUMING = range(2)
STATE_KEY = "loan"
RESULT_KEY = "loan_result"  # the answers of the last verdict, for its details button
PAUSED = "paused"  # another command or menu button came: the next text is not an answer
IDLE_SECONDS = 30 * 60
NAME = "loan_questionnaire"
START_LOANS = r"(?i)^/start(@\w+)?\s+loans\s*$"


def loan_form(context: BotContext) -> LoanForm:
    return LoanForm(context.services.knowledge.files.loans)


def saved_state(context: BotContext) -> FormState | None:
    return FormState.from_dict(context.user_data.get(STATE_KEY))


def stepped_aside(context: BotContext) -> bool:
    """The member went elsewhere (a command, a menu button) or left it long enough that new text is
    more likely a new question than an answer."""
    saved = context.user_data.get(STATE_KEY, {})
    at = saved.get("at")
    return bool(saved.get(PAUSED)) or (isinstance(at, int | float) and time.time() - at > IDLE_SECONDS)


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
    if outcome.verdict is None:  # left or cancelled: say so, and offer the menu to go on with
        text = loans_render.closed(outcome.action, _) + _("想再测时发送 /loan。")
        await message.reply_text(escape(text), reply_markup=topics_keyboard(_))
        return ConversationHandler.END
    context.user_data[RESULT_KEY] = asdict(outcome.verdict.answers)
    await send_parts(message, to_html(loans_render.verdict(outcome.verdict, _)), verdict_keyboard(_))
    return ConversationHandler.END


async def send_parts(message: Message, html: str, markup: InlineKeyboardMarkup) -> None:
    """A verdict or its details, split under Telegram's limit; the buttons go under the last part."""
    parts = split_message(html)
    for i, part in enumerate(parts, start=1):
        await message.reply_text(part, reply_markup=markup if i == len(parts) else None)


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
    if data == DETAILS:  # of an earlier verdict: an open questionnaire stays open
        await show_details(query.message, context, form)
        return ANSWERING if state is not None else ConversationHandler.END
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


async def show_details(message: Message, context: BotContext, form: LoanForm) -> None:
    """The details behind a verdict: the answers, each programme's terms and how to apply."""
    _ = context.gettext
    try:
        answers = Answers(**context.user_data[RESULT_KEY])
    except (KeyError, TypeError):
        await message.reply_text(_("这份测评结果已经过期了，请发送 /loan 重新测评。"))
        return
    await send_parts(message, to_html(loans_render.details(form, form.verdict(answers), _)), again_keyboard(_))


async def on_text(update: Update, context: BotContext) -> int:
    """A typed answer to the current step (or 返回 / 取消 typed as words), or a question asked aside.

    After another command or a menu button, or ``IDLE_SECONDS`` without an answer, the
    questionnaire steps aside: the text is read afresh and the answers stay for 继续.
    """
    message = update.effective_message
    state, form = saved_state(context), loan_form(context)
    if state is None:  # the state was lost (e.g. cleared by staff): begin again rather than guess
        return await ask(message, context, form, Outcome(Action.NEXT, form.start()))
    if stepped_aside(context):
        log.info("loan questionnaire paused or idle; text goes to the question engine")
        await faq.on_question(update, context)
        return ConversationHandler.END
    text = message.text or ""
    outcome = form.typed(state, text)
    answer = aside(context.services.engine, state.step, outcome, text)
    if answer is not None:  # a question, not an answer: answer it, with the way back to the step
        await faq.reply(message, answer, context, back_to_step_rows(state, context.gettext))
        return ANSWERING
    return await conclude(message, context, form, outcome)


async def on_resume_text(update: Update, context: BotContext) -> int:
    """Typed 继续 / 重新开始 / 取消 while the offer is open; anything else is read as a question."""
    state, form = saved_state(context), loan_form(context)
    choice = parse_resume(update.effective_message.text or "")
    if choice == "cancel":
        return await cancel(update, context)
    if state is None or choice == RESTART:
        return await ask(update.effective_message, context, form, Outcome(Action.NEXT, form.start()))
    if choice == RESUME:
        return await ask(update.effective_message, context, form, Outcome(Action.NEXT, state))
    await faq.on_question(update, context)  # the answers stay; /loan offers them again
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel at any step: close the questionnaire and forget its answers (and any /human wait)."""
    drop_wait(context)
    return await conclude(update.effective_message, context, loan_form(context), LoanForm.cancel())


async def pause(update: Update, context: BotContext) -> None:
    """Another command or a menu button: the questionnaire steps aside until the member comes back."""
    saved = context.user_data.get(STATE_KEY) if context.user_data is not None else None
    if isinstance(saved, dict) and not saved.get(PAUSED):
        saved[PAUSED] = True


def pause_handlers() -> list[BaseHandler]:
    """Handlers for a group after the conversation's: they see commands and menu buttons that
    other handlers answered, and mark an open questionnaire paused."""
    own = filters.Regex(r"^/(loan|cancel)(@\w+)?(\s|$)") | filters.Regex(START_LOANS)
    return [
        MessageHandler(filters.COMMAND & ~own, pause),
        CallbackQueryHandler(pause, pattern=r"^menu:(?!loans$)"),
    ]


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
        CommandHandler("start", open_questionnaire, filters=filters.Regex(START_LOANS)),
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
