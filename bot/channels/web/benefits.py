"""The model-worker benefits check in the web chat: policy → honour → serving or retired.

Stateless like Telegram's: each chip carries the choices so far, ``ben:<step>:<policy tag>:…``
(indices and a fingerprint of the policy), so a chip made before the content changed is
recognised as stale rather than misread.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.benefits import render as words
from bot.benefits.policy import OTHER, Status, check_choice, honour_by_key, policy_by_tag, policy_tag
from bot.channels.web.messages import Message, bot_message, chip
from bot.core.content_models import BenefitPolicy, Label
from bot.understanding.render import Gettext

START = "ben:p"


def _back(policies: Sequence[BenefitPolicy], _: Gettext) -> list[dict[str, str]]:
    return [chip(_("‹ 返回"), START)] if len(policies) > 1 else []


def start(policies: Sequence[BenefitPolicy], _: Gettext) -> Message:
    if len(policies) == 1:
        return honours(policies, policies[0], _)
    chips = [chip(words.policy_label(p, _), f"ben:h:{policy_tag(p)}") for p in policies]
    return bot_message(words.choose_policy(policies, _), chips)


def honours(policies: Sequence[BenefitPolicy], policy: BenefitPolicy, _: Gettext) -> Message:
    tag = policy_tag(policy)
    chips = [chip(words.honour_label(h, _), f"ben:s:{tag}:{i}") for i, h in enumerate(policy.eligible_honours)]
    chips += [chip(words.other_label(_), f"ben:r:{tag}:{OTHER}"), *_back(policies, _)]
    return bot_message(words.choose_honour(policy, _), chips)


def statuses(policy: BenefitPolicy, key: str, honour: Label, _: Gettext) -> Message:
    tag = policy_tag(policy)
    chips = [chip(words.status_label(s, _), f"ben:r:{tag}:{key}:{s}") for s in Status]
    return bot_message(words.choose_status(policy, honour, _), [*chips, chip(_("‹ 返回"), f"ben:h:{tag}")])


def press(policies: Sequence[BenefitPolicy], data: str, _: Gettext) -> Message | None:
    """The step a ``ben:`` chip asks for; None when the data is forged or stale."""
    match data.split(":"):
        case ["ben", "p"]:
            return start(policies, _)
        case ["ben", "h", tag] if (policy := policy_by_tag(policies, tag)) is not None:
            return honours(policies, policy, _)
        case ["ben", "s", tag, key] if (policy := policy_by_tag(policies, tag)) is not None:
            valid, honour = honour_by_key(policy, key)
            return statuses(policy, key, honour, _) if valid and honour is not None else None
        case ["ben", "r", tag, key, *status] if len(status) <= 1:
            result = check_choice(policies, tag, key, status[0] if status else None)
            return bot_message(words.render_check(result, _), [chip(_("🔄 重新查询"), START)]) if result else None
    return None
