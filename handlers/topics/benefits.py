"""The model-worker benefits check: policy → honour → serving or retired → what applies.

Stateless: each button carries the choices made so far (``ben:<step>:<policy tag>:<honour>:<status>``,
indices and a content fingerprint, never the honour's text), so a restart loses nothing and a
button from an older version of the content is recognised as stale.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.benefits import render as words
from bot.benefits.policy import OTHER, Status, check_choice, honour_by_key, policy_by_tag, policy_tag
from bot.core.content_models import BenefitPolicy, Label
from bot.core.i18n import N_
from bot.understanding.render import Gettext
from handlers.chat.edit import View, show_pressed
from handlers.chat.render import to_html
from handlers.context import BotContext
from handlers.topics.benefits_keyboards import FROM_ANSWER, START

STALE = N_("这个按钮已经失效了，请发送 /start benefits 重新查询劳模待遇。")

Row = list[InlineKeyboardButton]


def _button(label: str, data: str) -> Row:
    return [InlineKeyboardButton(label, callback_data=data)]


def _back(policies: Sequence[BenefitPolicy], _: Gettext) -> list[Row]:
    """A way back to the policy list, when there is a list to go back to."""
    return [_button(_("‹ 返回"), START)] if len(policies) > 1 else []


def start_view(policies: Sequence[BenefitPolicy], _: Gettext) -> View:
    if len(policies) == 1:
        return honour_view(policies, policies[0], _)
    rows = [_button(words.policy_label(p, _), f"ben:h:{policy_tag(p)}") for p in policies]
    return to_html(words.choose_policy(policies, _)), InlineKeyboardMarkup(rows)


def honour_view(policies: Sequence[BenefitPolicy], policy: BenefitPolicy, _: Gettext) -> View:
    tag = policy_tag(policy)
    rows = [_button(words.honour_label(h, _), f"ben:s:{tag}:{i}") for i, h in enumerate(policy.eligible_honours)]
    rows += [_button(words.other_label(_), f"ben:r:{tag}:{OTHER}"), *_back(policies, _)]
    return to_html(words.choose_honour(policy, _)), InlineKeyboardMarkup(rows)


def status_view(policy: BenefitPolicy, key: str, honour: Label, _: Gettext) -> View:
    tag = policy_tag(policy)
    statuses = [InlineKeyboardButton(words.status_label(s, _), callback_data=f"ben:r:{tag}:{key}:{s}") for s in Status]
    rows = [statuses, _button(_("‹ 返回"), f"ben:h:{tag}")]
    return to_html(words.choose_status(policy, honour, _)), InlineKeyboardMarkup(rows)


def button_view(data: str, context: BotContext) -> View | None:
    """The step a benefits button asks for; None when the data is forged or stale."""
    policies, _ = context.services.knowledge.files.benefits.policies, context.gettext
    match data.split(":"):
        case ["ben", "p"]:
            return start_view(policies, _)
        case ["ben", "h", tag] if (policy := policy_by_tag(policies, tag)) is not None:
            return honour_view(policies, policy, _)
        case ["ben", "s", tag, key] if (policy := policy_by_tag(policies, tag)) is not None:
            valid, honour = honour_by_key(policy, key)
            return status_view(policy, key, honour, _) if valid and honour is not None else None
        case ["ben", "r", tag, key, *status] if len(status) <= 1:
            result = check_choice(policies, tag, key, status[0] if status else None)
            return (to_html(words.render_check(result, _)), _again(_)) if result else None
    return None


async def open_benefits(update: Update, context: BotContext) -> None:
    """The menu's "benefits" topic and ``/start benefits``: the first step as a new message."""
    text, markup = start_view(context.services.knowledge.files.benefits.policies, context.gettext)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def on_benefits_button(update: Update, context: BotContext) -> None:
    """A step of the check edits its own message; the way in from an answer opens a new one,
    so the answer just read stays on screen."""
    if update.callback_query.data == FROM_ANSWER:
        await update.callback_query.answer()
        await open_benefits(update, context)
        return
    await show_pressed(update, context, button_view, STALE)


def _again(_: Gettext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([_button(_("🔄 重新查询"), START)])
