"""Turn engine answers into words in the user's locale, channel-neutral.

The result is split into heading, body and source line so that each channel can
style them (Telegram makes the heading bold; the console prints them as they are).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.content_models import Source
from bot.i18n import N_
from bot.qa import Answer, Kind
from bot.textnorm import int_to_chinese

Gettext = Callable[[str], str]

CHITCHAT_REPLIES = {
    "greeting": N_(
        "您好！我是职工服务机器人，可以查工会法、劳模待遇、附近的服务站点和工会小额贷款。请直接输入您的问题。"
    ),
    "thanks": N_("不客气！还有什么想问的，随时告诉我。"),
    "bye": N_("再见！需要时随时找我。"),
}


@dataclass(frozen=True)
class Rendered:
    heading: str | None
    body: str
    source_line: str | None = None

    def plain(self) -> str:
        return "\n\n".join(part for part in (self.heading, self.body, self.source_line) if part)


def format_date(value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD as written in Chinese sources (2022年1月13日)."""
    parts = [int(p) for p in value.split("-")]
    return "".join(f"{n}{unit}" for n, unit in zip(parts, ("年", "月", "日"), strict=False))


def format_source(source: Source) -> str:
    """A citation: the law and article, or publication, headline and date."""
    if source.article is not None:
        text = f"{source.publication}第{int_to_chinese(source.article)}条"
    else:
        title = f"《{source.title}》" if source.title else ""
        text = f"{source.publication}{title}，{format_date(source.date)}"
    return f"{text}（{source.note}）" if source.note else text


def sources_line(sources: tuple[Source, ...], _: Gettext) -> str | None:
    if not sources:
        return None
    return _("来源：{sources}").format(sources="；".join(format_source(s) for s in sources))


def render_answer(answer: Answer, _: Gettext) -> Rendered:
    if answer.kind is Kind.STATIONS:
        from bot.stations_render import render_stations  # here, not on top: it builds on this module

        return render_stations(answer, _)
    if answer.kind in (Kind.ENTRY, Kind.ARTICLE):
        heading = answer.title
        if answer.kind is Kind.ARTICLE:
            heading = _("工会法第{number}条（第{chapter}章 {title}）").format(
                number=int_to_chinese(answer.data["number"]),
                chapter=int_to_chinese(answer.data["chapter"]),
                title=answer.data["chapter_title"],
            )
        return Rendered(heading, answer.text, sources_line(answer.sources, _))
    if answer.kind is Kind.NO_ARTICLE:
        return Rendered(
            None,
            _("工会法共{count}条，没有第{number}条。请输入1到{count}之间的条号，例如“第6条”。").format(
                count=answer.data["count"], number=answer.data["number"]
            ),
        )
    if answer.kind is Kind.UNSURE:
        if not answer.suggestions:
            return Rendered(None, _("抱歉，我没有找到可靠的答案。请换个说法，或者说得具体一些。"))
        lines = [_("我不太确定您想问的是哪一项，您是不是想问：")]
        lines += [f"{i}. {s.title}" for i, s in enumerate(answer.suggestions, start=1)]
        return Rendered(None, "\n".join(lines))
    if answer.kind is Kind.CHITCHAT:
        return Rendered(None, _(CHITCHAT_REPLIES.get(answer.detail, CHITCHAT_REPLIES["greeting"])))
    if answer.kind is Kind.EMPTY:
        return Rendered(None, _("我没有读到文字。请用文字输入您的问题，例如“劳模有什么待遇”。"))
    return Rendered(None, help_hint(_))


def help_hint(_: Gettext) -> str:
    return _("这个问题超出了我能回答的范围。") + "\n" + capabilities(_)


def capabilities(_: Gettext) -> str:
    return _(
        "我可以回答：\n"
        "· 工会法条文和工会的职责（例如“工会法第6条”）\n"
        "· 劳模待遇（例如“劳模看病要挂号费吗”）\n"
        "· 附近的户外劳动者服务站点（发送位置即可）\n"
        "· 工会小额贷款（例如“谁能申请无息借款”）"
    )
