"""/start, /help, replies to what the bot cannot read, and the error handler."""

from __future__ import annotations

import html
import logging

from telegram import Update

from bot.understanding.render import capabilities
from handlers.chat.commands import command_lines
from handlers.chat.keyboards import topics_keyboard
from handlers.chat.menu import open_topic
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def start(update: Update, context: BotContext) -> None:
    """Greet the user and show the topic menu, or open a topic named by a deep link."""
    if context.args and await open_topic(update, context, context.args[0].lower()):
        return
    _ = context.gettext
    name = html.escape(update.effective_user.first_name) if update.effective_user else ""
    text = _("{name}您好！我是职工服务机器人。请选择一个主题，或者直接输入您的问题。").format(name=name)
    await update.effective_message.reply_html(text, reply_markup=topics_keyboard(_))


async def help_command(update: Update, context: BotContext) -> None:
    """Explain what the bot can answer, and list every member command in the reader's language."""
    _ = context.gettext
    text = "\n".join([capabilities(_), "", _("常用命令："), *command_lines(_)])
    await update.effective_message.reply_text(html.escape(text), reply_markup=topics_keyboard(_))


async def unreadable(update: Update, context: BotContext) -> None:
    """Answer stickers, photos, voice and the like: only text (and locations) are read."""
    _ = context.gettext
    message = update.effective_message
    if message.voice or message.audio or message.video_note:
        text = _("抱歉，我暂时只能读文字，听不了语音。请把问题打成文字发给我。")
    else:
        text = _("抱歉，我只能读文字消息。请用文字输入您的问题，或发送位置查找附近的服务站点。")
    await message.reply_text(text)


async def error_handler(update: object, context: BotContext) -> None:
    """Log the error with its traceback and tell the user politely."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        _ = context.gettext
        await context.bot.send_message(update.effective_chat.id, _("抱歉，处理您的消息时出了点问题，请稍后再试。"))
