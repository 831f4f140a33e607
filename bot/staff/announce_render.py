"""Words for subscriptions and announcements, in the reader's locale (channel-neutral)."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.staff.announcements import Counts, Target
from bot.staff.delivery import Report
from bot.staff.subscriptions import Options, Subscriber
from bot.understanding.render import Gettext

ERRORS = {
    "empty_text": N_("通知内容是空的，请重新输入。"),
    "too_long": N_("通知太长了：Telegram 每条消息最多4096个字，请删减后重新发送。"),
    "invalid_html": N_("HTML 格式有误（{detail}）。只能用 b、i、u、s、a、code、pre、blockquote 等标签并成对闭合。"),
    "unknown_topic": N_("没有这个主题，请用按钮选择。"),
    "unknown_city": N_("没有这个城市，请用按钮选择。"),
    "send_at_past": N_("这个时间已经过去了，请输入将来的时间，例如 2026-12-01 09:00。"),
    "send_at_invalid": N_("看不懂这个时间，请按“2026-12-01 09:00”的格式输入（北京时间），或发送“现在”。"),
    "not_found": N_("这条通知已经不存在了。"),
    "not_draft": N_("这条通知已经处理过了。"),
    "not_cancellable": N_("这条通知已经发送完毕或已取消，无法再取消。"),
}  # fmt: skip


def error_text(code: str, detail: str, _: Gettext) -> str:
    template = ERRORS.get(code)
    return _(template).format(detail=detail) if template else _("操作没有成功，请重试。")


def _list_or_all(chosen: tuple[str, ...], options: Options, kind: str, _: Gettext) -> str:
    known = options.topics if kind == "topic" else options.cities
    return "、".join(options.label(kind, c, _) for c in chosen if c in known) if chosen else _("全部")


def subscription_text(subscriber: Subscriber | None, options: Options, _: Gettext) -> str:
    if subscriber is None or not subscriber.active:
        return _("您目前没有订阅工会通知。发送 /subscribe 即可订阅。")
    return _(
        "您已订阅工会通知。\n主题：{topics}\n城市：{cities}\n点下面的按钮可以只接收部分主题或城市；不选即接收全部。"
    ).format(
        topics=_list_or_all(subscriber.topics, options, "topic", _),
        cities=_list_or_all(subscriber.cities, options, "city", _),
    )


def target_text(target: Target, options: Options, _: Gettext) -> str:
    if target.everyone:
        return _("全部订阅者")
    return _("主题：{topics}；城市：{cities}").format(
        topics=_list_or_all(target.topics, options, "topic", _), cities=_list_or_all(target.cities, options, "city", _)
    )


def progress_text(counts: Counts, _: Gettext) -> str:
    return _("正在发送通知：{done}/{total}\n已送达 {delivered}，已屏蔽机器人 {blocked}，失败 {failed}").format(
        done=counts.total - counts.pending,
        total=counts.total,
        delivered=counts.delivered,
        blocked=counts.blocked,
        failed=counts.failed,
    )


def report_text(report: Report, _: Gettext) -> str:
    counts = report.counts
    heading = _("通知已取消。") if report.cancelled else _("通知发送完毕。")
    summary = _("共 {total} 人：送达 {delivered}，屏蔽了机器人 {blocked}，失败 {failed}，未发 {pending}。")
    duration = _("用时 {seconds} 秒。").format(seconds=round(report.seconds, 1))
    return "\n".join((heading, summary.format(**counts.to_dict()), duration))
