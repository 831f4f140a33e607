"""The last resort in private chats: an unknown command, or a kind of message nothing above reads.

Registered after every other handler of group 0, so it only sees what none of them took;
a member never sends something into silence.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from handlers.chat.common import unreadable
from handlers.context import BotContext


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """/cancel outside any questionnaire: say so, rather than calling it an unknown command."""
    await update.effective_message.reply_text(
        context.gettext("现在没有进行中的操作，不需要取消。发送 /start 打开主菜单。")
    )


async def unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.gettext("我不认识这个命令。发送 /help 看看我能做什么。"))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        CommandHandler("cancel", nothing_to_cancel, filters=private),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.COMMAND, unreadable),
    ]
