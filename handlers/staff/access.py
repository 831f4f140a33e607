"""Who counts as staff (ADMIN_IDS), and the polite refusal everyone else gets for staff commands."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from handlers.context import BotContext

log = logging.getLogger(__name__)

Callback = Callable[[Update, BotContext], Awaitable[Any]]


def is_staff(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.services.settings.admin_ids


async def refuse(update: Update, context: BotContext) -> None:
    """Tell a non-staff member politely that this is for staff; nothing else happens."""
    user = update.effective_user
    log.info("refused a staff-only action from user %s", user.id if user else None)
    await update.effective_message.reply_text(context.gettext("抱歉，这个功能只供工会工作人员使用。"))


def staff_only(callback: Callback) -> Callback:
    """Run ``callback`` for staff; refuse anyone else before it sees the update."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: BotContext) -> Any:
        if not is_staff(update, context):
            await refuse(update, context)
            return None
        return await callback(update, context)

    return guarded
