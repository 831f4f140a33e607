"""Words for browsing the Trade Union Law, in the reader's locale."""

from __future__ import annotations

from bot.core.content_models import Article, Chapter, QAEntry
from bot.core.knowledge import Law
from bot.law.articles import ChapterPage, KeywordMatches
from bot.understanding.render import Gettext, Rendered, knowledge_body, sources_line

LABEL_PREVIEW = 14  # characters of an article's opening shown on its button


def chapter_name(chapter: Chapter, _: Gettext) -> str:
    return _("第{number}章 {title}").format(number=_.numeral(chapter.number), title=_.content(chapter.title))


def chapter_label(chapter: Chapter, count: int, _: Gettext) -> str:
    return _("{chapter}（{count}条）").format(chapter=chapter_name(chapter, _), count=count)


def article_number(number: int, _: Gettext) -> str:
    return _("第{number}条").format(number=_.numeral(number))


def article_label(article: Article, _: Gettext) -> str:
    """A button: the number and the opening words, enough to recognise the article."""
    opening = _.content(article.text.split("\n")[0])
    if len(opening) > LABEL_PREVIEW:
        opening = opening[:LABEL_PREVIEW] + "…"
    return f"{article_number(article.number, _)} {opening}"


def law_menu(law: Law, overview: QAEntry | None, _: Gettext) -> Rendered:
    """The law's front page: the basic-duties overview, then how to find an article."""
    hint = _("点下面的章节浏览条文；也可以直接输入条号（例如“第6条”），或发送“/law 关键词”查找条文。")
    if overview is None:
        return Rendered(_content_title(law, _), hint, sources_line((law.source,), _))
    body = knowledge_body(overview.answer, _, overview.english) + "\n\n" + hint
    return Rendered(_("工会法 · 工会的基本职责"), body, sources_line((overview.source,), _))


def chapter_page_text(page: ChapterPage, _: Gettext) -> Rendered:
    heading = chapter_name(page.chapter, _)
    body = _("本章共{count}条，点条号阅读全文。").format(count=page.total)
    if page.pages > 1:
        body += " " + _("第{page}/{pages}页").format(page=page.page + 1, pages=page.pages)
    return Rendered(heading, body)


def keyword_text(matches: KeywordMatches, _: Gettext) -> Rendered:
    if not matches.articles:
        return Rendered(
            None, _("工会法里没有找到含“{keyword}”的条文。请换一个词试试。").format(keyword=matches.keyword)
        )
    body = _("含“{keyword}”的条文共{total}条，点条号阅读全文。").format(keyword=matches.keyword, total=matches.total)
    if matches.total > len(matches.articles):
        body += "\n" + _("只列出前{shown}条，请换一个更具体的词。").format(shown=len(matches.articles))
    return Rendered(_("查找条文"), body)


def _content_title(law: Law, _: Gettext) -> str:
    return _.content(law.source.publication)


def previous_label(number: int, _: Gettext) -> str:
    return _("‹ 上一条（{article}）").format(article=article_number(number, _))


def next_label(number: int, _: Gettext) -> str:
    return _("下一条（{article}） ›").format(article=article_number(number, _))


def back_to_chapter_label(chapter: Chapter, _: Gettext) -> str:
    return _("📑 第{number}章目录").format(number=_.numeral(chapter.number))


def contents_label(_: Gettext) -> str:
    return _("☰ 工会法目录")


def page_labels(_: Gettext) -> tuple[str, str]:
    return _("‹ 上一页"), _("下一页 ›")
