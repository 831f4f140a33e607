"""The member commands: registered as Telegram's command menu and listed by /help, from one list."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.understanding.render import Gettext

COMMANDS = (
    ("start", N_("开始 / 主菜单")),
    ("help", N_("使用说明")),
    ("law", N_("工会法：目录、条号或关键词")),
    ("loan", N_("小额贷款资格测评")),
    ("human", N_("转人工：把问题转给工会工作人员")),
    ("subscribe", N_("订阅工会通知")),
    ("settings", N_("通知订阅设置")),
    ("unsubscribe", N_("退订工会通知")),
    ("language", N_("切换语言 / Language")),
    ("cancel", N_("取消当前操作")),
)


def command_lines(_: Gettext) -> list[str]:
    """One line per command, described in the reader's language."""
    return [f"/{name} — {_(description)}" for name, description in COMMANDS]
