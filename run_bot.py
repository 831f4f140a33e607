"""Run the workers' service bot.

python run_bot.py                    Telegram (long polling) when BOT_TOKEN is set, else a console chat
python run_bot.py --webhook URL      Telegram by webhook (or WEBHOOK_URL); ADMIN_API_TOKEN adds the admin HTTP API
python run_bot.py ask "问题"          print the answer as a user reads it (--json: one JSON object)
python run_bot.py ask --jsonl        answer {"q": ...} objects read line by line from stdin
                                     ({"location": [lat, lon]} lines get the nearest stations)
python run_bot.py import-stations FILE.csv   replace the station set (staff; see README)
python run_bot.py web                the mobile web chat on HTTP_HOST:HTTP_PORT (and /wechat with WECHAT_TOKEN)
python run_bot.py migrate            bring the store (DATABASE_URL, else SQLite in DATA_DIR) to the newest schema
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bot.channels.wechat.config import WeChatConfig, WeChatConfigError, channel_secrets
from bot.core.content_loader import ContentError
from bot.core.logging_setup import configure_logging
from bot.core.settings import Settings, SettingsError
from bot.guard.webhook_secret import with_webhook


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="职工服务机器人 / workers' service bot")
    parser.add_argument("--webhook", metavar="URL", help="receive updates by webhook at this public https URL")
    sub = parser.add_subparsers(dest="command")
    ask = sub.add_parser("ask", help="answer one question, or JSON lines from stdin")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help='read {"q": ...} per line from stdin')
    sub.add_parser("console", help="chat in the terminal")
    sub.add_parser("web", help="serve the mobile web chat (and WeChat when WECHAT_TOKEN is set)")
    stations = sub.add_parser("import-stations", help="replace the station set from a CSV (UTF-8, GB18030 or Big5)")
    stations.add_argument("file", type=Path)
    sub.add_parser("migrate", help="apply the store's schema migrations (also done at every start)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB 22: durations as timedelta, no deprecation warnings
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings.from_env()
        if args.command is None:
            settings = with_webhook(settings, args.webhook)
        WeChatConfig.from_env()  # a malformed WeChat variable stops start-up here, with its name
    except (SettingsError, WeChatConfigError) as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2
    serving = args.command in (None, "web")
    configure_logging(settings.log_level if serving else "WARNING", (*settings.secrets, *channel_secrets()))
    try:
        return _run(args, settings)
    except ContentError as exc:
        print(f"知识库文件有误 / content error: {exc}", file=sys.stderr)
        return 2
    except SettingsError as exc:  # e.g. the Bot API refused the token
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import load_engine, load_engine_and_stations

    if args.command == "ask":
        from bot.channels import ask
        from bot.channels.ask_location import location_special

        engine, stations = load_engine_and_stations(settings)
        return ask.main(engine, args.question, args.json, args.jsonl, (location_special(stations),))
    if args.command == "import-stations":
        from bot.channels import import_stations

        return import_stations.main(args.file, settings)
    if args.command == "migrate":
        from bot.channels import migrate

        return migrate.main(settings)
    if args.command == "web":
        from bot.channels.web.server import run as run_web

        return _refused_store(lambda: run_web(settings))
    if args.command == "console" or not settings.bot_token:
        from bot.channels.console import run_console

        return run_console(load_engine(settings))
    return _run_telegram(settings)


def _run_telegram(settings: Settings) -> int:
    from handlers.serve.runner import run

    return _refused_store(lambda: run(settings))


def _refused_store(serve: Callable[[], int]) -> int:
    """Serve; a store that cannot be opened (e.g. a second process on one SQLite DATA_DIR) is one line, exit 1."""
    from bot.core.storage import StorageError

    try:
        return serve()
    except StorageError as exc:  # the process holding the store runs on undisturbed
        print(f"存储不可用 / store unavailable: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
