"""/announce for staff: text → whom (everyone, or topics and cities, multi-select) → when → preview.

Each step validates through ``Announcements``; the preview is the stored draft sent exactly
as members will receive it (header included), and 发送 confirms that draft by id, so a stale or
forged button can only ever hit a missing or already-handled announcement. The send time is
typed the way people say it (``bot/staff/send_time.py``); the examples offered are computed
from the current time, so they are never in the past.
"""

from __future__ import annotations

import logging
import warnings
from datetime import UTC, datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.staff.announce_render import audience_text, error_text, time_error_text, time_prompt, when_text
from bot.staff.announcement import AnnouncementError, Target
from bot.staff.notice import notice_html
from bot.staff.send_time import SendTimeError, parse_send_time
from handlers.chat.edit import edit_in_place
from handlers.context import BotContext
from handlers.staff.access import is_staff, refuse, staff_only
from handlers.staff.broadcast import schedule_announcement

log = logging.getLogger(__name__)

TEXT, TARGET, TIME, CONFIRM = range(4)
PREFIX = "ann:"
DRAFT = "announce"  # user_data key: {"text": ..., "topics": [...], "cities": [...]}
KINDS = {"t": "topics", "c": "cities"}
PER_ROW = 3


def _html_of(message: Message) -> str:
    """Formatting made with Telegram's own buttons arrives as entities; typed tags arrive as text."""
    return message.text_html if message.entities else message.text or ""


def _draft(context: BotContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


def _chosen(context: BotContext) -> Target:
    """The topics and cities ticked so far, in content order."""
    options = context.services.subscriptions.options
    draft = _draft(context)
    topics = tuple(t for t in options.topics if t in draft.get("topics", ()))
    cities = tuple(c for c in options.cities if c in draft.get("cities", ()))
    return Target(topics, cities)


def _target_keyboard(chosen: Target, context: BotContext) -> InlineKeyboardMarkup:
    """全部订阅者, then a toggle per topic and per city (✅ = chosen), then 完成."""
    _ = context.gettext
    options = context.services.subscriptions.options

    def toggles(kind: str, picked: tuple[str, ...]) -> list[list[InlineKeyboardButton]]:
        data = f"{PREFIX}tg:{kind[0]}:"
        ticked = {key: "✅ " if key in picked else "" for key in options.of(kind)}
        buttons = [
            InlineKeyboardButton(tick + options.label(kind, key, _), callback_data=data + key)
            for key, tick in ticked.items()
        ]
        return [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]

    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("全部订阅者"), callback_data=f"{PREFIX}tg:all")],
            *toggles("topic", chosen.topics),
            *toggles("city", chosen.cities),
            [InlineKeyboardButton(_("✔️ 完成"), callback_data=f"{PREFIX}tg:done")],
        ]
    )


async def _target_question(chosen: Target, context: BotContext) -> str:
    _ = context.gettext
    question = _("发给谁？点“全部订阅者”，或选择主题和城市（可多选，✅ 为已选）后点“完成”。")
    if chosen.everyone:
        return question + "\n" + _("还没有选择。")
    count = await context.services.subscriptions.count(chosen.topics, chosen.cities)
    audience = audience_text(chosen, context.services.subscriptions.options, count, _)
    return question + "\n" + _("现在：{audience}").format(audience=escape(audience))


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
        context.services.announcements.check_text(text)
    except AnnouncementError as exc:
        await update.effective_message.reply_text(error_text(exc.code, exc.message, context.gettext), parse_mode=None)
        return TEXT
    context.user_data[DRAFT] = {"text": text, "topics": [], "cities": []}
    chosen = _chosen(context)
    await update.effective_message.reply_text(
        await _target_question(chosen, context), reply_markup=_target_keyboard(chosen, context)
    )
    return TARGET


async def on_target(update: Update, context: BotContext) -> int:
    """A toggle edits the question in place; 全部订阅者 or 完成 move on to the time."""
    query = update.callback_query
    action, _sep, key = (query.data or "").removeprefix(f"{PREFIX}tg:").partition(":")
    if action == "all":
        await query.answer()
        return await _ask_time(update, context, Target.all())
    if action == "done":
        chosen = _chosen(context)
        if chosen.everyone:
            await query.answer(
                context.gettext("还没有选择主题或城市。要发给所有人，请点“全部订阅者”。"), show_alert=True
            )
            return TARGET
        await query.answer()
        return await _ask_time(update, context, chosen)
    await query.answer()
    kind = KINDS.get(action)
    try:
        toggled = Target(topics=(key,)) if kind == "topics" else Target(cities=(key,))
        if kind is None:
            raise AnnouncementError("unknown_topic", f"no such target button {query.data!r}")
        context.services.announcements.validate_target(toggled)
    except AnnouncementError as exc:
        log.warning("stale or forged target button %r: %s", query.data, exc.code)
        await query.message.reply_text(error_text(exc.code, exc.message, context.gettext))
        return TARGET
    picked = _draft(context).setdefault(kind, [])
    if key in picked:
        picked.remove(key)
    else:
        picked.append(key)
    chosen = _chosen(context)
    await edit_in_place(update, context, await _target_question(chosen, context), _target_keyboard(chosen, context))
    return TARGET


async def _ask_time(update: Update, context: BotContext, target: Target) -> int:
    """Settle the audience (the question loses its buttons and names it), then ask when."""
    _ = context.gettext
    _draft(context)["target"] = target.to_dict()
    count = await context.services.subscriptions.count(target.topics, target.cities)
    audience = audience_text(target, context.services.subscriptions.options, count, _)
    await edit_in_place(update, context, escape(_("发给：{audience}").format(audience=audience)), None)
    now = InlineKeyboardMarkup([[InlineKeyboardButton(_("立即发送"), callback_data=f"{PREFIX}now")]])
    await update.effective_message.reply_text(time_prompt(datetime.now(UTC), _), reply_markup=now, parse_mode=None)
    return TIME


async def on_time(update: Update, context: BotContext) -> int:
    """The time as typed (明天上午9点, 立即, …), or the 立即发送 button; then the preview."""
    _ = context.gettext
    now = datetime.now(UTC)
    when = None
    if update.callback_query is not None:
        await update.callback_query.answer()
    else:
        try:
            when = parse_send_time(update.effective_message.text or "", now)
        except SendTimeError as exc:
            log.info("send time refused (%s)", exc.code)
            await update.effective_message.reply_text(time_error_text(exc, now, _), parse_mode=None)
            return TIME
    draft = _draft(context)
    try:
        announcement = await context.services.announcements.create(
            draft.get("text", ""), draft.get("target"), when, update.effective_user.id, draft=True, now=now
        )
    except AnnouncementError as exc:
        await update.effective_message.reply_text(error_text(exc.code, exc.message, _), parse_mode=None)
        return TEXT if exc.code in ("empty_text", "too_long", "invalid_html") else TIME
    await _preview(update.effective_message, context, announcement.id)
    return CONFIRM


async def _preview(message: Message, context: BotContext, announcement_id: str) -> None:
    _ = context.gettext
    services = context.services
    announcement = await services.announcements.get(announcement_id)
    target = announcement.target
    count = await services.subscriptions.count(target.topics, target.cities)
    summary = _("预览如下（成员看到的就是这样，下方还有“退订”按钮）。\n发给：{audience}\n时间：{when}").format(
        audience=audience_text(target, services.subscriptions.options, count, _),
        when=when_text(announcement.send_at, _),
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
    notice = notice_html(announcement.text, services.announcements.issuer, _)
    await message.reply_text(notice, parse_mode=ParseMode.HTML, reply_markup=buttons)


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
