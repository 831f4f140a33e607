"""Words around a hand-off: what the member is told, what staff see, how a staff reply reads."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.staff.handoff import Refusal
from bot.understanding.render import Gettext

REFUSALS = {
    Refusal.NO_STAFF: N_("抱歉，目前没有开通人工服务。请换个说法再问我，或者发送 /help 看看我能回答什么。"),
    Refusal.NO_QUESTION: N_("请在 /human 后面写上您的问题，例如：/human 公司不给交社保怎么办"),
    Refusal.ALREADY: N_("这个问题已经转给工会工作人员了，请耐心等待回复。"),
}


def refusal_text(reason: Refusal, _: Gettext) -> str:
    return _(REFUSALS[reason])


def ask_for_question_text(_: Gettext) -> str:
    return _("请把您的问题发给我，我会转给工会工作人员。不想转了请发送 /cancel。")


def after_down_vote_text(_: Gettext) -> str:
    return _("抱歉，这个回答没帮上忙。您可以换个说法再问我，也可以把问题转给工会工作人员：")


def not_yours_text(_: Gettext) -> str:
    return _("只有提问的人才能把这个问题转给工作人员。您有问题的话，可以发送 /human 加上您的问题。")


def handed_off_text(_: Gettext) -> str:
    return _("已经把您的问题转给工会工作人员，他们回复后我会转告您。")


def unavailable_text(_: Gettext) -> str:
    return _("抱歉，暂时没能转给工作人员，请稍后再试。")


def staff_request_text(member_name: str, member_id: int, question: str, _: Gettext) -> str:
    return _(
        "职工求助（转人工）\n来自：{name}（用户 ID {id}）\n问题：{question}\n\n请直接回复这条消息，回复会转给这位职工。"
    ).format(name=member_name, id=member_id, question=question)


def relay_text(reply: str, _: Gettext) -> str:
    return _("工会工作人员回复您的问题：\n{reply}").format(reply=reply)


def relayed_text(_: Gettext) -> str:
    return _("✅ 已转达给职工。")


def undeliverable_text(_: Gettext) -> str:
    return _("未能转达：这位职工可能已经停用了机器人。")


def not_a_handoff_text(_: Gettext) -> str:
    return _("这条消息不是转人工请求，回复不会转给任何人。")
