"""/subscribe, /unsubscribe and /settings: one tap subscribes to everything, buttons narrow it.

Every notice carries a 退订 button (``unsubscribe_markup``): one tap unsubscribes the chat it was
sent to, and the confirmation offers 重新订阅 in case the tap was a slip.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.staff.announce_render import subscription_text
from bot.staff.subscriptions import Subscriber
from bot.understanding.render import Gettext
from handlers.context import BotContext

log = logging.getLogger(__name__)

PREFIX = "sub:"
KINDS = {"t": "topic", "c": "city"}
OFF, ON = f"{PREFIX}off", f"{PREFIX}on"


def unsubscribe_markup(_: Gettext) -> InlineKeyboardMarkup:
    """The one button under every notice."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(_("退订"), callback_data=OFF)]])


def settings_keyboard(subscriber: Subscriber, context: BotContext) -> InlineKeyboardMarkup:
    """Toggle buttons (✅ = chosen), then "everything" and "unsubscribe"."""
    _ = context.gettext
    options = context.services.subscriptions.options

    def row(kind: str, keys: dict[str, str], chosen: tuple[str, ...]) -> list[list[InlineKeyboardButton]]:
        buttons = [
            InlineKeyboardButton(
                ("✅ " if key in chosen else "") + options.label(KINDS[kind], key, _),
                callback_data=f"{PREFIX}{kind}:{key}",
            )
            for key in keys
        ]
        return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]

    return InlineKeyboardMarkup(
        [
            *row("t", options.topics, subscriber.topics),
            *row("c", options.cities, subscriber.cities),
            [
                InlineKeyboardButton(_("接收全部"), callback_data=f"{PREFIX}all"),
                InlineKeyboardButton(_("退订"), callback_data=OFF),
            ],
        ]
    )


async def _show(update: Update, context: BotContext, subscriber: Subscriber | None, heading: str = "") -> None:
    text = subscription_text(subscriber, context.services.subscriptions.options, context.gettext)
    markup = settings_keyboard(subscriber, context) if subscriber and subscriber.active else None
    await update.effective_message.reply_text(f"{heading}\n\n{text}" if heading else text, reply_markup=markup)


async def subscribe(update: Update, context: BotContext) -> None:
    subscriber = await context.services.subscriptions.subscribe(update.effective_chat.id)
    await _show(update, context, subscriber, context.gettext("订阅成功！您将收到全部工会通知。"))


async def unsubscribe(update: Update, context: BotContext) -> None:
    _ = context.gettext
    done = await context.services.subscriptions.unsubscribe(update.effective_chat.id)
    if not done:
        await update.effective_message.reply_text(_("您目前没有订阅工会通知。"))
        return
    again = InlineKeyboardMarkup([[InlineKeyboardButton(_("重新订阅"), callback_data=ON)]])
    text = _("已退订，您不会再收到工会通知。想重新订阅请点下面的按钮，或发送 /subscribe。")
    await update.effective_message.reply_text(text, reply_markup=again)


async def show_settings(update: Update, context: BotContext) -> None:
    await _show(update, context, await context.services.subscriptions.get(update.effective_chat.id))


async def on_button(update: Update, context: BotContext) -> None:
    """A settings button: toggle a topic or city, back to everything; or 退订 / 重新订阅 (also under notices)."""
    query = update.callback_query
    subscriptions = context.services.subscriptions
    chat_id = update.effective_chat.id
    if query.data == OFF:
        await query.answer(context.gettext("已退订"))
        return await unsubscribe(update, context)
    await query.answer()
    if query.data == ON:
        return await subscribe(update, context)
    action, _sep, option = (query.data or "").removeprefix(PREFIX).partition(":")
    subscriber = (
        await subscriptions.reset(chat_id)
        if action == "all"
        else await subscriptions.toggle(chat_id, KINDS.get(action, ""), option)
    )
    if subscriber is None:
        log.warning("stale or forged subscription button %r from chat %s", query.data, chat_id)
        await query.message.reply_text(context.gettext("这个按钮已经失效了，请发送 /settings 重新打开订阅设置。"))
        return None
    text = subscription_text(subscriber, subscriptions.options, context.gettext)
    await query.edit_message_text(text, reply_markup=settings_keyboard(subscriber, context))
    return None
