"""Words for subscriptions and announcements, in the reader's locale (channel-neutral)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.i18n import N_
from bot.staff.announcement import Announcement, Counts, Target
from bot.staff.delivery import Report
from bot.staff.send_time import SHANGHAI, SendTimeError, examples
from bot.staff.subscriptions import Options, Subscriber
from bot.understanding.render import Gettext

WEEKDAYS = (N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))

ERRORS = {
    "empty_text": N_("通知内容是空的，请重新输入。"),
    "too_long": N_("通知太长了：Telegram 每条消息最多4096个字（含通知抬头），请删减后重新发送。"),
    "invalid_html": N_("HTML 格式有误（{detail}）。只能用 b、i、u、s、a、code、pre、blockquote 等标签并成对闭合。"),
    "unknown_topic": N_("没有这个主题，请用按钮选择。"),
    "unknown_city": N_("没有这个城市，请用按钮选择。"),
    "send_at_past": N_("这个时间已经过去了，请输入将来的时间。"),
    "send_at_far": N_("只能预约一年以内的时间，请检查年份。"),
    "not_found": N_("这条通知已经不存在了。"),
    "not_draft": N_("这条通知已经处理过了。"),
    "not_cancellable": N_("这条通知已经发送完毕或已取消，无法再取消。"),
}  # fmt: skip
TIME_ERRORS = {  # a typed send time, in the chat: {when} is the time understood
    "send_at_past": N_("{when}已经过去了，请输入将来的时间。"),
    "send_at_far": N_("{when}超过一年了，只能预约一年以内的时间，请检查年份。"),
    "send_at_no_time": N_("请说明几点发送。"),
    "send_at_invalid": N_("看不懂这个时间。"),
}


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


def _quoted(chosen: tuple[str, ...], options: Options, kind: str, _: Gettext) -> str:
    """「工会活动」或「政策法规」: the names of the chosen options, for the reader (English, or 繁體)."""
    known = options.of(kind)
    return _("或").join(_("「{label}」").format(label=options.label(kind, c, _)) for c in chosen if c in known)


def audience_text(target: Target, options: Options, count: int, _: Gettext) -> str:
    """Who a notice reaches, as the rule it follows: any chosen topic and, when cities are chosen, any chosen city."""
    if target.everyone:
        return _("全部订阅者，共 {n} 人").format(n=count)
    topics, cities = _quoted(target.topics, options, "topic", _), _quoted(target.cities, options, "city", _)
    if not target.cities:
        return _("订阅了{topics}的会员，共 {n} 人").format(topics=topics, n=count)
    if not target.topics:
        return _("城市为{cities}的会员，共 {n} 人").format(cities=cities, n=count)
    return _("订阅了{topics}且城市为{cities}的会员，共 {n} 人").format(topics=topics, cities=cities, n=count)


def when_text(when: datetime | None, _: Gettext) -> str:
    """A send time as staff check it: the date, its weekday and the time, in Beijing time."""
    if when is None:
        return _("立即")
    local = when.astimezone(SHANGHAI)
    return _("{date}（{weekday}）{time}（北京时间）").format(
        date=local.strftime("%Y-%m-%d"), weekday=_(WEEKDAYS[local.weekday()]), time=local.strftime("%H:%M")
    )


def time_prompt(now: datetime, _: Gettext) -> str:
    """The question for the send time, with examples that are all ahead of ``now``."""
    question = _("什么时候发？可以这样写：{examples}（北京时间）；或点“立即发送”。")
    return question.format(examples="、".join(examples(now)))


def time_error_text(error: SendTimeError, now: datetime, _: Gettext) -> str:
    """Why a typed time cannot be used, what would work instead, and examples that are ahead of ``now``."""
    problem = TIME_ERRORS.get(error.code, TIME_ERRORS["send_at_invalid"])
    lines = [_(problem).format(when=when_text(error.when, _) if error.when else _("这个时间"))]
    if error.suggestion:
        lines.append(_("您是想说“{suggestion}”吗？").format(suggestion=error.suggestion))
    lines.append(_("例如：{examples}。").format(examples="、".join(examples(now))))
    return "\n".join(lines)


def late_text(late_by: timedelta, _: Gettext) -> str:
    """Said when a notice starts well after its time (the bot was busy or not running then)."""
    minutes = max(1, round(late_by.total_seconds() / 60))
    return _("这条通知比预定时间晚了 {minutes} 分钟才开始发送（当时机器人繁忙或没有运行）。").format(minutes=minutes)


def duplicates_text(counts: Counts, _: Gettext) -> str:
    """Messages in flight when an instance stopped abruptly, sent again by the one that took over."""
    return _("可能重复 {n} 条：发送中断时已发出的消息又补发了一次。").format(n=counts.duplicates)


def progress_text(counts: Counts, late_by: timedelta | None, _: Gettext) -> str:
    lines = [] if late_by is None else [late_text(late_by, _)]
    lines.append(
        _("正在发送通知：{done}/{total}\n已送达 {delivered}，已屏蔽机器人 {blocked}，失败 {failed}").format(
            done=counts.total - counts.pending,
            total=counts.total,
            delivered=counts.delivered,
            blocked=counts.blocked,
            failed=counts.failed,
        )
    )
    if counts.duplicates:
        lines.append(duplicates_text(counts, _))
    return "\n".join(lines)


def duration_text(seconds: float, _: Gettext) -> str:
    """8.5 秒 / 3 分 5 秒 / 2 小时 10 分: as precise as a person needs."""
    if seconds < 60:
        return _("{seconds} 秒").format(seconds=round(seconds, 1))
    minutes = round(seconds) // 60
    if minutes < 60:
        return _("{minutes} 分 {seconds} 秒").format(minutes=minutes, seconds=round(seconds) % 60)
    return _("{hours} 小时 {minutes} 分").format(hours=minutes // 60, minutes=minutes % 60)


def _clock(when: datetime, beside: datetime | None = None) -> str:
    """HH:MM Beijing time, with the date when it is not the day of ``beside``."""
    local = when.astimezone(SHANGHAI)
    same_day = beside is not None and beside.astimezone(SHANGHAI).date() == local.date()
    return local.strftime("%H:%M" if same_day else "%m-%d %H:%M")


def interruption_text(announcement: Announcement, _: Gettext) -> str | None:
    """The story of a delivery a restart interrupted: where it stopped, when it went on, for how long."""
    story = announcement.interruption
    if story is None:
        return None
    stopped = _("发到第 {done}/{total} 人时中断（{at}，机器人重启或停止运行）").format(
        done=story.done, total=announcement.counts.total, at=_clock(story.at, announcement.started_at)
    )
    if not story.resumed or story.resumed_at is None:
        went_on = _("尚未恢复")
    else:
        went_on = _("{at} 恢复发送，中断了 {downtime}").format(
            at=_clock(story.resumed_at, story.at),
            downtime=duration_text((story.resumed_at - story.at).total_seconds(), _),
        )
    if story.stops > 1:
        return _("发送中途中断过 {count} 次，最近一次：{stopped}，{went_on}。").format(
            count=story.stops, stopped=stopped, went_on=went_on
        )
    return _("发送中途中断过一次：{stopped}，{went_on}。").format(stopped=stopped, went_on=went_on)


def _total_time(report: Report, _: Gettext) -> str:
    """From the first message to the last, across restarts when there were any."""
    announcement = report.announcement
    if announcement is None or announcement.started_at is None or announcement.finished_at is None:
        return _("用时 {duration}。").format(duration=duration_text(report.seconds, _))
    total = (announcement.finished_at - announcement.started_at).total_seconds()
    story = announcement.interruption
    if story is None or not story.downtime:
        return _("用时 {duration}。").format(duration=duration_text(total, _))
    return _("从开始到发完共用时 {total}，其中中断 {downtime}。").format(
        total=duration_text(total, _), downtime=duration_text(story.downtime.total_seconds(), _)
    )


def report_text(report: Report, _: Gettext) -> str:
    counts = report.counts
    heading = _("通知已取消。") if report.cancelled else _("通知发送完毕。")
    summary = _("共 {total} 人：送达 {delivered}，屏蔽了机器人 {blocked}，失败 {failed}，未发 {pending}。")
    lines = [heading, summary.format(**counts.to_dict())]
    story = None if report.announcement is None else interruption_text(report.announcement, _)
    if story:
        lines.append(story)
    lines.append(_total_time(report, _))
    if counts.duplicates:
        lines.append(duplicates_text(counts, _))
    if report.late_by is not None:
        lines.append(late_text(report.late_by, _))
    return "\n".join(lines)
