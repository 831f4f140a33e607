"""Turn engine answers into words in the user's locale, channel-neutral.

The result is split into heading, body and source line so that each channel can
style them (Telegram makes the heading bold; the console prints them as they are).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.core.content_models import UNDATED, Source
from bot.core.i18n import DEFAULT_LOCALE, N_, Localizer, gettext_for
from bot.understanding.engine import Answer, Kind

# What renderers receive: call it like gettext (``_("…")``); it also converts knowledge text
# to the reader's script (``_.content``) and formats numbers, money, dates and distances.
Gettext = Localizer

# The topic menu every channel opens with, as (topic, label); a channel appends what only it offers.
MENU_TOPICS = (
    ("law", N_("📘 工会法")),
    ("benefits", N_("🏅 劳模待遇")),
    ("stations", N_("📍 服务站点")),
    ("loans", N_("💰 小额贷款")),
    ("faq", N_("❓ 常见问题")),
)

CHITCHAT_REPLIES = {
    "greeting": N_(
        "您好！我是职工服务机器人，可以查工会法、劳模待遇、附近的服务站点和工会小额贷款。请直接输入您的问题。"
    ),
    "thanks": N_("不客气！还有什么想问的，随时告诉我。"),
    "bye": N_("再见！需要时随时找我。"),
    "identity": N_(
        "我是职工服务机器人，不是真人：按工会法和公开报道回答工会法、劳模待遇、服务站点和工会小额贷款的问题，"
        "每个回答都写明出处。需要真人帮忙，可以点“转人工”。"
    ),
}


@dataclass(frozen=True)
class Rendered:
    heading: str | None
    body: str
    source_line: str | None = None

    def plain(self) -> str:
        return "\n\n".join(part for part in (self.heading, self.body, self.source_line) if part)


KindRenderer = Callable[[Answer, Gettext], Rendered]
_KIND_RENDERERS: dict[Kind, KindRenderer] = {}


def register_renderer(kind: Kind, renderer: KindRenderer) -> None:
    """Let a topic render the answers only it produces (station lists): this layer names no topic,
    and the composition root that wires the topic's resolver into the engine wires its renderer too."""
    _KIND_RENDERERS[kind] = renderer


def format_source(source: Source, _: Gettext | None = None) -> str:
    """A citation: the law and article, or publication, headline and date (in the reader's script)."""
    _ = _ or gettext_for(DEFAULT_LOCALE)
    publication = _.content(source.publication)
    if source.article is not None:
        text = _("{publication}第{number}条").format(publication=publication, number=_.numeral(source.article))
    else:
        title = f"《{_.content(source.title)}》" if source.title else ""
        date = _("年份未标") if source.date == UNDATED else _.date(source.date)
        text = _("{publication}{title}，{date}").format(publication=publication, title=title, date=date)
    return f"{text}（{_.content(source.note)}）" if source.note else text


def sources_line(sources: tuple[Source, ...], _: Gettext) -> str | None:
    if not sources:
        return None
    return _("来源：{sources}").format(sources="；".join(format_source(s, _) for s in sources))


def knowledge_body(text: str, _: Gettext, english: str | None = None) -> str:
    """Knowledge text for the reader: converted script, or for English readers the English text
    when the entry has one, else the Chinese with one line saying so."""
    if _.language == "zh":
        return _.content(text)
    if english:
        return english
    return _("（此回答暂时只有中文版本。）") + "\n" + text


def render_answer(answer: Answer, _: Gettext) -> Rendered:
    if (topic_renderer := _KIND_RENDERERS.get(answer.kind)) is not None:
        return topic_renderer(answer, _)
    if answer.kind in (Kind.ENTRY, Kind.ARTICLE):
        heading = _.content(answer.title)
        if answer.kind is Kind.ARTICLE:
            heading = _("工会法第{number}条（第{chapter}章 {title}）").format(
                number=_.numeral(answer.data["number"]),
                chapter=_.numeral(answer.data["chapter"]),
                title=_.content(answer.data["chapter_title"]),
            )
        body = knowledge_body(answer.text, _, answer.english)
        return Rendered(heading, body, sources_line(answer.sources, _))
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
        lines += [f"{i}. {_.content(s.title)}" for i, s in enumerate(answer.suggestions, start=1)]
        return Rendered(None, "\n".join(lines))
    if answer.kind is Kind.NOT_COVERED:
        return render_not_covered(answer, _)
    if answer.kind is Kind.CHITCHAT:
        return Rendered(None, _(CHITCHAT_REPLIES.get(answer.detail, CHITCHAT_REPLIES["greeting"])))
    if answer.kind is Kind.EMPTY:
        return Rendered(None, _("我没有读到文字。请用文字输入您的问题，例如“劳模有什么待遇”。"))
    return Rendered(None, help_hint(_))


def render_not_covered(answer: Answer, _: Gettext) -> Rendered:
    """First what the knowledge does not cover, plainly; then what it does hold; then where to ask."""
    data, reason = answer.data, answer.detail
    name = _.content(data["name"])
    if reason == "law":
        article = _("第{number}条").format(number=_.numeral(data["article"])) if data["article"] else ""
        lines = [_("资料里没有《{law}》{article}的内容：我这里只有工会法的全文。").format(law=name, article=article)]
    elif reason == "foreign":
        lines = [_("资料里只有中国内地的工会法和工会工作，没有{place}的内容。").format(place=name)]
    elif reason == "future":
        lines = [_("资料里没有{when}的信息，我这里的资料都是已经发布的报道和规定。").format(when=name)]
    elif reason == "year":
        lines = [_("资料里没有{when}的情况，找到的内容说的是别的年份。").format(when=name)]
    elif reason == "subject":
        lines = [_("资料里没有关于{subject}的内容，我不能回答这个问题。").format(subject=name)]
    elif reason == "detail":
        lines = [_("资料里找不到您问的{detail}，我不能凭空编一个给您。").format(detail=name)]
    elif reason == "unmatched":
        lines = [_("我在资料里没有找到能回答这个问题的内容，不想拿不相关的资料凑数。")]
    else:
        lines = [
            _("抱歉，我们的资料里还没有{place}的{what}。").format(place=name, what=_.content(data["what"])),
            _("资料里有的是：{held}。").format(held=_.content(data["held"])),
        ]
    if answer.text:
        lines.append(knowledge_body(answer.text, _))
    if answer.suggestions:
        lines.append(_("也许这些相关内容有用："))
        lines += [f"{i}. {_.content(s.title)}" for i, s in enumerate(answer.suggestions, start=1)]
    hotline = data["hotline"]
    lines.append(_("想问清楚具体情况，{hotline}").format(hotline=_.content(hotline.text)))
    return Rendered(None, "\n".join(lines), sources_line((*data["help_sources"], hotline.source), _))


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
