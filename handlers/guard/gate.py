"""Gates in front of every handler: the chat policy (group -2) and flood control (group -1).

Both raise ``ApplicationHandlerStop`` so that no later handler sees the update.
"""

from __future__ import annotations

import logging

from telegram import MessageEntity, Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.guard.chat_gate import Route, route
from bot.guard.flood import FloodGuard, Verdict
from handlers.context import BotContext

log = logging.getLogger(__name__)

POLICY_GROUP = -2
FLOOD_GROUP = -1


def _addressed(update: Update, context: BotContext) -> bool:
    """A button press, a command, a mention of the bot, or a reply to one of its messages."""
    message = update.effective_message
    if update.callback_query is not None or message is None:
        return update.callback_query is not None
    if message.entities and message.entities[0].type == MessageEntity.BOT_COMMAND and message.entities[0].offset == 0:
        return True
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == context.bot.id:
        return True
    mention = f"@{context.bot.username}".lower()
    return any(text.lower() == mention for text in message.parse_entities([MessageEntity.MENTION]).values())


async def chat_policy(update: Update, context: BotContext) -> None:
    """Let through what the bot should answer; note an edit; drop the rest quietly."""
    query = update.callback_query
    if query is not None and (query.message is None or not query.message.is_accessible):
        # A button under a message too old for Telegram to show us, or under an inline message:
        # handlers reply under the message, so answer here.
        await query.answer(context.gettext("这个按钮已经过期了，请发送 /start 重新打开菜单。"), show_alert=True)
        raise ApplicationHandlerStop
    user = update.effective_user
    verdict = route(
        update.effective_chat.type if update.effective_chat else None,
        from_bot=bool(user and user.is_bot),
        edited=update.edited_message is not None,
        addressed=_addressed(update, context),
    )
    if verdict is Route.HANDLE:
        return
    if verdict is Route.EDITED:
        await update.edited_message.reply_text(
            context.gettext("我不会重新读取修改过的消息。如需提问，请把修改后的问题重新发送一次。")
        )
    raise ApplicationHandlerStop


def flood_control(guard: FloodGuard) -> TypeHandler:
    """Slow down one user who floods; everyone else is unaffected."""

    async def check(update: Update, context: BotContext) -> None:
        user = update.effective_user
        if user is None:
            return
        verdict = guard.check(user.id)
        if verdict is Verdict.ALLOW:
            return
        if verdict is Verdict.WARN:
            log.warning("flood control: slowing down user %s", user.id)
            text = context.gettext("您发得太快了，请稍等几秒再继续。")
            if update.callback_query is not None:
                await update.callback_query.answer(text)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)
        raise ApplicationHandlerStop

    return TypeHandler(Update, check)


def add_gates(application: Application, guard: FloodGuard | None = None) -> None:  # type: ignore[type-arg]
    """Install both gates ahead of every other handler group."""
    application.add_handler(TypeHandler(Update, chat_policy), group=POLICY_GROUP)
    application.add_handler(flood_control(guard or FloodGuard()), group=FLOOD_GROUP)
