"""Which model-worker benefits apply to a reader: the honour they hold and whether they still work.

Pure decisions over ``BenefitPolicy``; the outcome carries a reason code and the
renderer (``bot/benefits/render.py``) puts it into words.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.content_models import Benefit, BenefitPolicy, Label

OTHER = "x"  # the honour key of "其他/不确定"


class Status(StrEnum):
    SERVING = "s"
    RETIRED = "r"


class Reason(StrEnum):
    ELIGIBLE = "eligible"
    HONOUR_NOT_LISTED = "honour_not_listed"  # 其他/不确定: the policy does not name the honour
    RETIREES_EXCLUDED = "retirees_excluded"  # the policy does not cover retired holders
    RETIREES_UNSTATED = "retirees_unstated"  # the source does not say whether it covers retired holders
    NONE_FOR_STATUS = "none_for_status"  # covered, but every benefit is for the other status


@dataclass(frozen=True)
class BenefitCheck:
    policy: BenefitPolicy
    honour: Label | None  # None: 其他/不确定
    status: Status | None  # None: not asked (an unlisted honour decides alone)
    reason: Reason
    benefits: tuple[Benefit, ...] = ()


def applies(benefit: Benefit, status: Status) -> bool:
    wanted = "serving" if status is Status.SERVING else "retired"
    return benefit.applies_to in ("all", wanted)


def check(policy: BenefitPolicy, honour: Label | None, status: Status | None) -> BenefitCheck:
    """The benefits ``policy`` gives a holder of ``honour`` who is serving or retired."""
    if honour is None or honour not in policy.eligible_honours:
        return BenefitCheck(policy, None, status, Reason.HONOUR_NOT_LISTED)
    if status is None:
        raise ValueError("a listed honour needs the status to decide")
    if status is Status.RETIRED and policy.includes_retirees is None:
        return BenefitCheck(policy, honour, status, Reason.RETIREES_UNSTATED)
    if status is Status.RETIRED and not policy.includes_retirees:
        return BenefitCheck(policy, honour, status, Reason.RETIREES_EXCLUDED)
    found = tuple(b for b in policy.benefits if applies(b, status))
    return BenefitCheck(policy, honour, status, Reason.ELIGIBLE if found else Reason.NONE_FOR_STATUS, found)


def policy_tag(policy: BenefitPolicy) -> str:
    """A short fingerprint of the policy's content: buttons carry it, so a button made for an
    older version of the content (honours renumbered) is recognised as stale, not misread."""
    return format(zlib.crc32(policy.model_dump_json().encode()), "x")


def policy_by_tag(policies: Sequence[BenefitPolicy], tag: str) -> BenefitPolicy | None:
    return next((p for p in policies if policy_tag(p) == tag), None)


def honour_key(policy: BenefitPolicy, honour: Label | None) -> str:
    return OTHER if honour is None else str(policy.eligible_honours.index(honour))


def honour_by_key(policy: BenefitPolicy, key: str) -> tuple[bool, Label | None]:
    """(valid, honour): ``OTHER`` is valid with no honour; a bad index is not valid."""
    if key == OTHER:
        return True, None
    if key.isdecimal() and int(key) < len(policy.eligible_honours):
        return True, policy.eligible_honours[int(key)]
    return False, None


def check_choice(policies: Sequence[BenefitPolicy], tag: str, key: str, status_key: str | None) -> BenefitCheck | None:
    """The check a sequence of button presses asks for; None when the presses are stale or forged."""
    policy = policy_by_tag(policies, tag)
    if policy is None:
        return None
    valid, honour = honour_by_key(policy, key)
    if not valid:
        return None
    if honour is None:
        return check(policy, None, None)
    if status_key not in {s.value for s in Status}:
        return None
    return check(policy, honour, Status(status_key))
