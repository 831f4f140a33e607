"""A notice as members receive it: a header naming the issuing unit, then the staff's text.

The header is in the reader's language (``_``); the unit comes from configuration
(``UNION_NAME``) or, unset, from ``content/subscriptions.json``'s ``issuer``. Validation checks
the notice with its header in every language, so none of them exceeds Telegram's limit.
"""

from __future__ import annotations

from html import escape

from bot.core.i18n import N_, SUPPORTED, gettext_for
from bot.staff.notice_html import HtmlProblem, check_html
from bot.understanding.render import Gettext

HEADER = N_("工会通知 · {issuer}")


def notice_html(text: str, issuer: str, _: Gettext) -> str:
    """The message a member gets: the bold header line, a blank line, the notice (Telegram HTML)."""
    header = _(HEADER).format(issuer=_.content(issuer))
    return f"<b>{escape(header)}</b>\n\n{text}"


def check_notice(text: str, issuer: str) -> HtmlProblem | None:
    """The first problem Telegram would reject the notice for, in any language members read it in."""
    for locale in SUPPORTED:
        problem = check_html(notice_html(text, issuer, gettext_for(locale)))
        if problem is not None:
            return problem
    return None
