"""The page's own words (labels, placeholders, notices), rendered on the server in the member's locale.

The page is plain HTML with ``$name`` slots (``static/index.html``) filled here, html-escaped;
the script receives the same words as JSON, so nothing the reader sees is written in JavaScript.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from string import Template

from bot.channels.web.topics import menu_chips
from bot.core.i18n import LANGUAGE_NAMES, SUPPORTED
from bot.understanding.render import Gettext

STATIC = Path(__file__).resolve().parent / "static"
LANGUAGE_SHORT = {"zh_Hans": "简", "zh_Hant": "繁", "en": "EN"}  # each in its own script, like LANGUAGE_NAMES
HTML_LANG = {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant", "en": "en"}


def strings(_: Gettext) -> dict[str, str]:
    return {
        "title": _("职工服务机器人"),
        "subtitle": _("工会法 · 劳模待遇 · 服务站点 · 小额贷款"),
        "q_label": _("您的问题"),
        "q_placeholder": _("输入问题，按回车发送"),
        "send": _("发送"),
        "geo": _("📍 发送我的位置"),
        "geo_asking": _("正在获取您的位置……"),
        "geo_failed": _("没能获取您的位置。请直接输入城市或区县，例如“海口龙华区的站点”。"),
        "up": _("👍 有帮助"),
        "down": _("👎 没帮助"),
        "handoff": _("🙋 转人工"),
        "menu": _("主题"),
        "language": _("语言"),
        "conversation": _("对话"),
        "bot": _("机器人"),
        "you": _("我"),
        "maps": _("地图链接"),
        "failed": _("网络出了点问题，请稍后再试。"),
        "busy": _("您发得太快了，请稍等几秒再发。"),
        "noscript": _("这个聊天页面需要打开浏览器的 JavaScript。"),
    }


@cache
def _template() -> Template:
    return Template((STATIC / "index.html").read_text(encoding="utf-8"))


def page(locale: str, _: Gettext) -> str:
    """The chat page in ``locale``; every slot is escaped, so a translation cannot inject markup."""
    words = {key: html.escape(value) for key, value in strings(_).items()}
    buttons = "".join(
        f'<button type="button" class="lang" data-locale="{code}" aria-pressed="{str(code == locale).lower()}" '
        f'lang="{HTML_LANG[code]}" aria-label="{html.escape(LANGUAGE_NAMES[code])}">{LANGUAGE_SHORT[code]}</button>'
        for code in SUPPORTED
    )
    menu = "".join(
        f'<button type="button" class="chip" data-button="{html.escape(c["data"])}">{html.escape(c["label"])}</button>'
        for c in menu_chips(_)
    )
    return _template().substitute(words, lang=HTML_LANG[locale], languages=buttons, menu_buttons=menu)
