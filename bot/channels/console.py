"""An interactive console chat over the same engine, so a newcomer sees the bot work at once."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.console_loans import ConsoleLoan
from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.understanding.engine import Answer, Engine, Kind
from bot.understanding.render import render_answer

QUIT_WORDS = {"quit", "exit", "q", "退出"}


def run_console(engine: Engine, read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> int:
    """Chat until EOF or a quit word; typing a suggestion's number answers it."""
    _ = gettext_for(DEFAULT_LOCALE)
    write(_("职工服务机器人（控制台）。输入问题后回车；输入数字选择建议；输入“退出”结束。"))
    write(_("要连接 Telegram：设置环境变量 BOT_TOKEN 后再运行 make run。"))
    write(_("输入“贷款测评”，测一测能不能申请工会小额贷款。"))
    loans = ConsoleLoan(engine, _)
    last: Answer | None = None
    while True:
        try:
            line = read("> ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return 0
        if line.lower() in QUIT_WORDS:
            write(_("再见！"))
            return 0
        if not line:
            continue
        if loans.wants(line):
            write(loans.reply(line) + "\n")
            continue
        picked = None
        if last is not None and line.isdigit() and 1 <= int(line) <= len(last.suggestions):
            picked = engine.answer_ref(last.suggestions[int(line) - 1].ref)
        last = picked or engine.answer(line)
        write(render_answer(last, _).plain())
        if last.kind is not Kind.UNSURE:
            for i, suggestion in enumerate(last.suggestions, start=1):
                write(_("相关问题 {n}：{title}").format(n=i, title=suggestion.title))
        write("")
