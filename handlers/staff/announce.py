"""/announce for staff: text → target → time → preview with 发送 / 取消.

Each step validates through ``Announcements``; the preview is the stored draft sent
exactly as members will receive it, and 发送 confirms that draft by id, so a stale or
forged button can only ever hit a missing or already-handled announcement.
"""

from __future__ import annotations

import logging
import warnings

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.staff.announce_render import error_text, target_text
from bot.staff.announcement import SHANGHAI, AnnouncementError, Target, validate_text
from handlers.context import BotContext
from handlers.staff.access import is_staff, refuse, staff_only
from handlers.staff.broadcast import schedule_announcement

log = logging.getLogger(__name__)

TEXT, TARGET, TIME, CONFIRM = range(4)
PREFIX = "ann:"
DRAFT = "announce"  # user_data key: {"text": ..., "target": {...}}
NOW_WORDS = frozenset({"现在", "立即", "马上", "now"})


def _html_of(message: Message) -> str:
    """Formatting made with Telegram's own buttons arrives as entities; typed tags arrive as text."""
    return message.text_html if message.entities else message.text or ""


def _target_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    options = context.services.subscriptions.options
    everyone = [[InlineKeyboardButton(context.gettext("全部订阅者"), callback_data=f"{PREFIX}tg:all")]]
    topics = [InlineKeyboardButton(label, callback_data=f"{PREFIX}tg:t:{key}") for key, label in options.topics.items()]
    cities = [InlineKeyboardButton(name, callback_data=f"{PREFIX}tg:c:{key}") for key, name in options.cities.items()]
    return InlineKeyboardMarkup(everyone + [topics[i : i + 3] for i in range(0, len(topics), 3)] + [cities])


@staff_only
async def start(update: Update, context: BotContext) -> int:
    context.user_data[DRAFT] = {}
    await update.effective_message.reply_text(
        context.gettext("请发送通知内容。可以使用 HTML 格式，例如 <b>粗体</b>。发送 /cancel 可随时退出。"),
        parse_mode=None,
    )
    return TEXT


async def on_text(update: Update, context: BotContext) -> int:
    text = _html_of(update.effective_message)
    try:
        validate_text(text)
    except AnnouncementError as exc:
        await update.effective_message.reply_text(error_text(exc.code, exc.message, context.gettext), parse_mode=None)
        return TEXT
    context.user_data[DRAFT] = {"text": text}
    await update.effective_message.reply_text(
        context.gettext("发给谁？"), reply_markup=_target_keyboard(context), parse_mode=None
    )
    return TARGET


async def on_target(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    kind, _sep, key = (query.data or "").removeprefix(f"{PREFIX}tg:").partition(":")
    target = Target(topics=(key,) if kind == "t" else (), cities=(key,) if kind == "c" else ())
    try:
        context.services.announcements.validate_target(target)
    except AnnouncementError as exc:
        await query.message.reply_text(error_text(exc.code, exc.message, context.gettext))
        return TARGET
    context.user_data.setdefault(DRAFT, {})["target"] = target.to_dict()
    now = InlineKeyboardMarkup([[InlineKeyboardButton(context.gettext("立即发送"), callback_data=f"{PREFIX}now")]])
    await query.message.reply_text(
        context.gettext("什么时候发？请输入北京时间，例如 2026-12-01 09:00；或点“立即发送”。"), reply_markup=now
    )
    return TIME


async def on_time(update: Update, context: BotContext) -> int:
    """The time as typed, or the 立即发送 button; then the preview."""
    if update.callback_query is not None:
        await update.callback_query.answer()
        when = None
    else:
        typed = (update.effective_message.text or "").strip()
        when = None if typed.lower() in NOW_WORDS else typed
    draft = context.user_data.get(DRAFT) or {}
    try:
        announcement = await context.services.announcements.create(
            draft.get("text", ""), draft.get("target"), when, update.effective_user.id, draft=True
        )
    except AnnouncementError as exc:
        await update.effective_message.reply_text(error_text(exc.code, exc.message, context.gettext), parse_mode=None)
        return TEXT if exc.code in ("empty_text", "too_long", "invalid_html") else TIME
    await _preview(update.effective_message, context, announcement.id)
    return CONFIRM


async def _preview(message: Message, context: BotContext, announcement_id: str) -> None:
    _ = context.gettext
    services = context.services
    announcement = await services.announcements.get(announcement_id)
    target = announcement.target
    count = await services.subscriptions.count(target.topics, target.cities)
    when = announcement.send_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if announcement.send_at else _("立即")
    summary = _("预览如下（成员看到的就是这样）。\n对象：{target}（目前 {count} 人）\n时间：{when}").format(
        target=target_text(target, services.subscriptions.options, _), count=count, when=when
    )
    await message.reply_text(summary, parse_mode=None)
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("发送"), callback_data=f"{PREFIX}send:{announcement_id}"),
                InlineKeyboardButton(_("取消"), callback_data=f"{PREFIX}cancel:{announcement_id}"),
            ]
        ]
    )
    await message.reply_text(announcement.text, parse_mode=ParseMode.HTML, reply_markup=buttons)


async def on_decision(update: Update, context: BotContext) -> int:
    """发送 confirms the draft and arms its job; 取消 drops it. Also works after a restart."""
    query = update.callback_query
    await query.answer()
    if not is_staff(update, context):
        await refuse(update, context)
        return ConversationHandler.END
    action, _sep, announcement_id = (query.data or "").removeprefix(PREFIX).partition(":")
    announcements = context.services.announcements
    try:
        if action == "send":
            announcement = await announcements.confirm(announcement_id)
            schedule_announcement(context.application, announcement)
            text = context.gettext("已确认。开始发送后，我会在这里显示进度。")
        else:
            await announcements.cancel(announcement_id)
            text = context.gettext("已取消，这条通知不会发送。")
    except AnnouncementError as exc:
        log.warning("stale announcement button %r: %s", query.data, exc.code)
        text = error_text(exc.code, exc.message, context.gettext)
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(text, parse_mode=None)
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(context.gettext("已退出发布通知。"))
    return ConversationHandler.END


def conversation() -> ConversationHandler:
    typed = filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # Buttons are tracked per user, not per message, on purpose: one draft per staff member.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("announce", start)],
            states={
                TEXT: [MessageHandler(typed, on_text)],
                TARGET: [CallbackQueryHandler(on_target, pattern=rf"^{PREFIX}tg:")],
                TIME: [MessageHandler(typed, on_time), CallbackQueryHandler(on_time, pattern=rf"^{PREFIX}now$")],
                CONFIRM: [CallbackQueryHandler(on_decision, pattern=rf"^{PREFIX}(send|cancel):")],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            name="announce",
            persistent=True,
        )


def decision_handler() -> CallbackQueryHandler:
    """发送 / 取消 pressed outside the conversation (e.g. an old preview): handled by id all the same."""
    return CallbackQueryHandler(on_decision, pattern=rf"^{PREFIX}(send|cancel):")
