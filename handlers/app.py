"""The python-telegram-bot Application: builder settings and the ordered handler list."""

from __future__ import annotations

import datetime as dt

from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.core.i18n import gettext_for
from bot.services import Services
from bot.staff.announcement import SHANGHAI
from handlers.chat import common, fallback, faq, language, menu
from handlers.chat.commands import COMMANDS
from handlers.context import BotContext
from handlers.guard.gate import add_gates
from handlers.serve.persistence import FlushingApplication, StorePersistence
from handlers.staff import announce, broadcast, feedback, handoff, subscribe
from handlers.topics import benefits, law, loans, stations

PRUNE_AT = dt.time(4, 0, tzinfo=SHANGHAI)  # the quiet hour for the daily retention sweep
PAUSE_GROUP = 1
# Telegram scopes command menus by two-letter language only, so zh_Hant shares the default.
COMMAND_LANGUAGES = {None: "zh_Hans", "en": "en"}


async def register_commands(application: Application) -> None:
    """Register the command menu in each language Telegram can tell apart."""
    for language_code, locale in COMMAND_LANGUAGES.items():
        _ = gettext_for(locale)
        commands = [BotCommand(name, _(description)) for name, description in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=language_code)


async def prune_store(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily retention sweep: old feedback, finished conversations, closed hand-offs."""
    await context.bot_data["services"].prune()


async def on_startup(application: Application) -> None:
    await register_commands(application)
    await broadcast.rearm(application)  # scheduled and interrupted announcements survive a restart
    application.job_queue.run_daily(prune_store, PRUNE_AT, name="retention", job_kwargs=broadcast.JOB_KWARGS)


def add_handlers(application: Application) -> None:
    add_gates(application)
    application.add_handler(CommandHandler("language", language.command))
    application.add_handler(CallbackQueryHandler(language.on_choice, pattern=r"^lang:"))
    application.add_handler(loans.conversation())  # before /start (deep link), the menu and text handlers
    application.add_handler(CommandHandler("start", common.start))
    application.add_handler(CommandHandler("help", common.help_command))
    application.add_handler(announce.conversation())  # before any text handler: staff type the notice
    application.add_handler(announce.decision_handler())
    application.add_handler(CommandHandler("subscribe", subscribe.subscribe))
    application.add_handler(CommandHandler("unsubscribe", subscribe.unsubscribe))
    application.add_handler(CommandHandler("settings", subscribe.show_settings))
    application.add_handler(CallbackQueryHandler(subscribe.on_button, pattern=r"^sub:"))
    application.add_handler(CallbackQueryHandler(menu.on_menu, pattern=r"^menu:"))
    application.add_handler(CommandHandler("law", law.law_command))
    application.add_handler(CallbackQueryHandler(law.on_law_button, pattern=r"^law:"))
    application.add_handler(CallbackQueryHandler(benefits.on_benefits_button, pattern=r"^ben:"))
    application.add_handler(CallbackQueryHandler(faq.on_suggestion, pattern=r"^ask:"))
    application.add_handler(MessageHandler(filters.LOCATION & filters.UpdateType.MESSAGE, stations.on_location))
    application.add_handler(CallbackQueryHandler(stations.on_filter, pattern=r"^st:"))
    for handler in (*handoff.handlers(application.bot_data["services"].settings), *feedback.handlers()):
        application.add_handler(handler)  # the staff-chat relay must see replies before faq does
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, faq.on_question))
    application.add_handler(
        MessageHandler(
            filters.Sticker.ALL
            | filters.PHOTO
            | filters.VOICE
            | filters.AUDIO
            | filters.VIDEO
            | filters.VIDEO_NOTE
            | filters.Document.ALL,
            common.unreadable,
        )
    )
    application.add_handlers(fallback.handlers())  # last: what nothing above understood
    # After group 0 has answered: another command or a menu button pauses an open questionnaire.
    application.add_handlers(loans.pause_handlers(), group=PAUSE_GROUP)
    application.add_error_handler(common.error_handler)


def build_application(services: Services, *, polling: bool = True) -> Application:
    """Build the Application around ready services (kept in ``bot_data``).

    Without ``polling`` there is no Updater: in webhook mode our aiohttp server feeds ``update_queue``.
    """
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .application_class(FlushingApplication)
        .persistence(StorePersistence(services.store))
        .token(settings.bot_token or "")
        .base_url(settings.api_base_url)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.broadcast_rate, max_retries=3))
        .post_init(on_startup)
    )
    application = (builder if polling else builder.updater(None)).build()
    application.bot_data["services"] = services
    add_handlers(application)
    return application
