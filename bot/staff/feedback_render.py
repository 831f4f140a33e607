"""The /report text staff read: plain words, the channel adds markup."""

from __future__ import annotations

from collections.abc import Callable

from bot.staff.feedback import Report
from bot.understanding.render import Gettext

SHOWN_CHARS = 60  # a long question is cut in the list; staff recognise it by its start

TitleOf = Callable[[str], str]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def render_report(report: Report, title_of: TitleOf, _: Gettext) -> str:
    """Two ranked lists of what members asked; ``title_of`` names an answer by its reference (qa:…, art:…).

    A down-voted answer is listed under the question the voters asked, with the answer they
    got beneath it, so staff see both what was asked and which answer failed it.
    """
    lines = [_("近{days}天的反馈统计").format(days=report.days), "", _("没有答上的问题（提问次数）：")]
    if report.unanswered:
        lines += [f"{i}. {_short(text)}（{n}）" for i, (text, n) in enumerate(report.unanswered, start=1)]
    else:
        lines.append(_("没有。"))
    lines += ["", _("回答被点踩的问题（👎/👍）：")]
    for i, tally in enumerate(report.down_voted, start=1):
        asked = _short(tally.question) if tally.question else _("（提问没有记录）")
        lines.append(f"{i}. {asked}（{tally.down}/{tally.up}）")
        lines.append("   " + _("→ 给出的回答：{title}").format(title=_short(title_of(tally.ref))))
    if not report.down_voted:
        lines.append(_("没有。"))
    return "\n".join(lines)
