"""The last resort in private chats: an unknown command, or a kind of message nothing above reads.

Registered after every other handler of group 0, so it only sees what none of them took;
a member never sends something into silence.
"""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from handlers.chat.common import unreadable
from handlers.context import BotContext
from handlers.staff.handoff import drop_wait


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """/cancel outside any questionnaire: stop waiting for a question for staff, or say there is nothing to cancel."""
    _ = context.gettext
    if drop_wait(context):
        await update.effective_message.reply_text(
            _("好的，不转人工了。有问题随时问我。"), reply_markup=ReplyKeyboardRemove()
        )
        return
    await update.effective_message.reply_text(_("现在没有进行中的操作，不需要取消。发送 /start 打开主菜单。"))


async def unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.gettext("我不认识这个命令。发送 /help 看看我能做什么。"))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        CommandHandler("cancel", nothing_to_cancel, filters=filters.UpdateType.MESSAGE),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.COMMAND, unreadable),
    ]
