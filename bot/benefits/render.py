"""Words of the model-worker benefits check and of benefit answers, in the reader's locale."""

from __future__ import annotations

from collections.abc import Sequence

from bot.benefits.policy import BenefitCheck, Reason, Status
from bot.core.content_models import Benefit, BenefitPolicy, Label
from bot.core.i18n import N_
from bot.understanding.render import Gettext, Rendered, sources_line

STATUS_LABELS = {Status.SERVING: N_("在职"), Status.RETIRED: N_("已离退休")}


def status_label(status: Status, _: Gettext) -> str:
    return _(STATUS_LABELS[status])


def other_label(_: Gettext) -> str:
    return _("其他/不确定")


def policy_label(policy: BenefitPolicy, _: Gettext) -> str:
    """The policy's button: its short label from content (the full title is too long for a phone)."""
    return _.label(policy.label, policy.label_en)


def honour_label(honour: Label, _: Gettext) -> str:
    return _.label(honour.name, honour.en)


def choose_policy(policies: Sequence[BenefitPolicy], _: Gettext) -> Rendered:
    return Rendered(
        _("劳模待遇查询"), _("目前收录了{count}项劳模待遇政策。请选择要查的一项：").format(count=len(policies))
    )


def choose_honour(policy: BenefitPolicy, _: Gettext) -> Rendered:
    intro = _("{issuer}发布，适用于{region}。").format(issuer=_.content(policy.issuer), region=_.content(policy.region))
    return Rendered(_.content(policy.title), intro + "\n\n" + _("您获得的是哪项荣誉？"))


def choose_status(policy: BenefitPolicy, honour: Label, _: Gettext) -> Rendered:
    body = _("您的荣誉：{honour}").format(honour=honour_label(honour, _)) + "\n\n" + _("您现在是在职，还是已经离退休？")
    return Rendered(_.content(policy.title), body)


def benefit_lines(benefit: Benefit, _: Gettext) -> list[str]:
    name = _.label(benefit.name, benefit.en)
    lines = [_("✅ {name}：{detail}").format(name=name, detail=_.content(benefit.detail))]
    if benefit.family_member:
        lines.append("   " + _("家属：{family}").format(family=_.content(benefit.family_member)))
    return lines


def policy_terms(policy: BenefitPolicy, _: Gettext) -> list[str]:
    """Conditions, the card and who issues it, where it is valid, since when."""
    lines = [_("条件：")] + [f"· {_.content(c)}" for c in policy.conditions]
    if policy.card:
        card = _.content(policy.card)
        if policy.card_issuer:
            card = _("{card}（{issuer}颁发）").format(card=card, issuer=_.content(policy.card_issuer))
        lines.append(_("凭证：{card}").format(card=card))
    lines.append(_("适用范围：{region}").format(region=_.content(policy.region)))
    lines.append(_("施行时间：{date}").format(date=_.date(policy.effective)))
    return lines


def render_check(result: BenefitCheck, _: Gettext) -> Rendered:
    policy = result.policy
    title, issuer = _.content(policy.title), _.content(policy.issuer)
    if result.reason is Reason.HONOUR_NOT_LISTED:
        honours = "、".join(honour_label(h, _) for h in policy.eligible_honours)
        lines = [
            _("{title}列出的荣誉是：{honours}。").format(title=title, honours=honours),
            _("您的荣誉不在其中或您不确定：能否享受，请向{issuer}或本单位工会确认。").format(issuer=issuer),
        ]
    elif result.reason is Reason.RETIREES_EXCLUDED:
        lines = [
            _("按现有资料，{title}没有把离退休人员列入范围；具体请向{issuer}或本单位工会确认。").format(
                title=title, issuer=issuer
            )
        ]
    elif result.reason is Reason.RETIREES_UNSTATED:
        lines = [
            _("资料没有写明{title}是否包括离退休人员，我不能替它下结论；请向{issuer}或本单位工会确认。").format(
                title=title, issuer=issuer
            )
        ]
    elif result.reason is Reason.NONE_FOR_STATUS:
        status = status_label(result.status, _) if result.status else ""
        lines = [_("{title}里没有适用于{status}人员的待遇。").format(title=title, status=status)]
    else:
        honour = honour_label(result.honour, _) if result.honour else ""
        who = _("{honour}，{status}").format(honour=honour, status=status_label(result.status, _))
        lines = [_("您（{who}）可以享受：").format(who=who)]
        for benefit in result.benefits:
            lines += benefit_lines(benefit, _)
    body = "\n".join([*_.chinese_only(), *lines, "", *policy_terms(policy, _)])
    return Rendered(title, body, sources_line((policy.source,), _))


def render_benefit(policy: BenefitPolicy, benefits: Sequence[Benefit], _: Gettext) -> Rendered:
    """A typed question about a place or service: the matching benefits with the policy's terms."""
    by = _("按{issuer}的{title}：").format(issuer=_.content(policy.issuer), title=_.content(policy.title))
    lines = [*_.chinese_only(), by]
    for benefit in benefits:
        lines += benefit_lines(benefit, _)
    return Rendered(
        _.content(policy.title), "\n".join([*lines, "", *policy_terms(policy, _)]), sources_line((policy.source,), _)
    )
