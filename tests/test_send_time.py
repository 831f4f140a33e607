"""The send-time parser: every form staff type, what it means, and what is refused (a table)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.staff.send_time import MAX_CHARS, SHANGHAI, SendTimeError, examples, hour_phrase, parse_send_time

# Wednesday 2 December 2026, 10:15 in Beijing: the "now" of every case below.
NOW = datetime(2026, 12, 2, 10, 15, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # the forms in the issue
        ("明天上午9点", at(12, 3, 9)),
        ("周五下午3点", at(12, 4, 15)),
        ("今晚8点", at(12, 2, 20)),
        ("后天早上8点半", at(12, 4, 8, 30)),
        ("12月5日14:00", at(12, 5, 14)),
        ("2026-12-05 09:00", at(12, 5, 9)),
        ("半小时后", NOW + timedelta(minutes=30)),
        # days
        ("今天下午4点", at(12, 2, 16)),
        ("明天晚上十点", at(12, 3, 22)),
        ("明晚7点", at(12, 3, 19)),
        ("明早7点半", at(12, 3, 7, 30)),
        ("大后天上午10点", at(12, 5, 10)),
        ("3天后下午2点", at(12, 5, 14)),
        ("5号上午10点", at(12, 5, 10)),
        ("1号上午10点", at(1, 1, 10, year=2027)),  # this month's 1号 has passed: next month's
        # weekdays: the next one still ahead; 本周 this week's; 下周 next week's (weeks start on Monday)
        ("周三下午3点", at(12, 2, 15)),  # today, still ahead
        ("周三上午9点", at(12, 9, 9)),  # today's has passed: next Wednesday
        ("星期日下午3点", at(12, 6, 15)),
        ("礼拜天9点", at(12, 6, 9)),
        ("下周一 9:00", at(12, 7, 9)),
        ("下个星期五上午9点", at(12, 11, 9)),
        ("下下周一9点", at(12, 14, 9)),
        ("本周六上午9点", at(12, 5, 9)),
        # dates
        ("12月5日周六下午3点", at(12, 5, 15)),
        ("12/5 14:00", at(12, 5, 14)),
        ("1月3日9点", at(1, 3, 9, year=2027)),  # early next year, typed in December
        ("2026年12月5日下午3点45分", at(12, 5, 15, 45)),
        ("二〇二六年十二月五日下午三点", at(12, 5, 15)),
        ("2026/12/5 9:05", at(12, 5, 9, 5)),
        ("2026-12-05T09:00", at(12, 5, 9)),
        ("2026-12-05T09:00:00+00:00", at(12, 5, 17)),  # an offset is honoured
        ("２０２６－１２－０５　０９：００", at(12, 5, 9)),  # full-width, as a Chinese IME types it
        # clock times and parts of the day
        ("下午3点一刻", at(12, 2, 15, 15)),
        ("下午三点三刻", at(12, 2, 15, 45)),
        ("下午3点15分", at(12, 2, 15, 15)),
        ("下午3点整", at(12, 2, 15)),
        ("下午15:00", at(12, 2, 15)),
        ("中午12点", at(12, 2, 12)),
        ("中午1点", at(12, 2, 13)),
        ("傍晚6点", at(12, 2, 18)),
        ("今晚12点", at(12, 3, 0)),  # midnight tonight is 00:00 tomorrow
        ("今晚1点", at(12, 3, 1)),
        ("明天凌晨5点", at(12, 3, 5)),
        ("11点", at(12, 2, 11)),  # a bare hour: today, 24-hour clock
        ("23:59", at(12, 2, 23, 59)),
        ("明天上午9點", at(12, 3, 9)),  # Traditional characters
        ("明天上午9点发送", at(12, 3, 9)),  # "…发送" at the end is how people say it
        # relative
        ("10分钟后", NOW + timedelta(minutes=10)),
        ("一个半小时后", NOW + timedelta(minutes=90)),
        ("2小时以后", NOW + timedelta(hours=2)),
        ("过20分钟", NOW + timedelta(minutes=20)),
        # now
        ("立即", None),
        ("现在", None),
        ("马上", None),
        ("立即发送", None),
        ("NOW", None),
    ],
)
def test_times_people_type(typed: str, expected: datetime | None) -> None:
    assert parse_send_time(typed, NOW) == expected


@pytest.mark.parametrize(
    ("typed", "code", "suggestion"),
    [
        ("9点", "send_at_past", "今天晚上9点"),  # 09:00 has passed; 21:00 is ahead
        ("下午3点", None, None),  # ahead: not an error (checked below)
        ("明天上午", "send_at_no_time", "明天上午9点"),
        ("明天", "send_at_no_time", "明天上午9点"),
        ("今晚", "send_at_no_time", "今晚8点"),
        ("3天后", "send_at_no_time", "3天后上午9点"),
        ("本周一9点", "send_at_past", None),
        ("12月1日9点", "send_at_past", None),  # yesterday; next year's is too far to be meant
        ("2026-12-01 09:00", "send_at_past", None),
        ("2062-12-05 09:00", "send_at_far", None),
        ("abc", "send_at_invalid", None),
        ("明天下午25点", "send_at_invalid", None),
        ("上午15点", "send_at_invalid", None),
        ("2月30日9点", "send_at_invalid", None),
        ("2026-13-05 09:00", "send_at_invalid", None),
        ("明天上午下午3点", "send_at_invalid", None),
        ("3点5刻", "send_at_invalid", None),
        ("0分钟后", "send_at_invalid", None),
        ("发送", "send_at_invalid", None),
        ("   ", "send_at_invalid", None),
        ("明" * (MAX_CHARS + 1), "send_at_invalid", None),
    ],
)
def test_refusals_name_the_problem_and_suggest_a_fix(typed: str, code: str | None, suggestion: str | None) -> None:
    if code is None:
        assert parse_send_time(typed, NOW) > NOW
        return
    with pytest.raises(SendTimeError) as caught:
        parse_send_time(typed, NOW)
    assert caught.value.code == code
    assert caught.value.suggestion == suggestion


def test_a_past_time_is_refused_with_the_time_understood() -> None:
    with pytest.raises(SendTimeError) as caught:
        parse_send_time("今天上午8点", NOW)
    assert caught.value.when == at(12, 2, 8)
    assert caught.value.suggestion == "明天上午8点"  # 20:00 is not what 上午 means: tomorrow's


def test_late_evening_suggests_tomorrow_for_a_bare_hour() -> None:
    with pytest.raises(SendTimeError) as caught:
        parse_send_time("9点", at(12, 2, 22))
    assert caught.value.suggestion == "明天上午9点"


def test_a_minute_of_grace_for_typing() -> None:
    assert parse_send_time("10:15", NOW + timedelta(seconds=50)) == at(12, 2, 10, 15)
    with pytest.raises(SendTimeError):
        parse_send_time("10:15", NOW + timedelta(minutes=2))


@pytest.mark.parametrize(
    "now",
    [NOW, at(12, 31, 23, 59), at(2, 28, 23, 30, year=2027), at(3, 1, 0, 0, year=2027), at(6, 14, 18, 0, year=2027)]
    + [NOW + timedelta(days=d, hours=h) for d in range(7) for h in (0, 9, 14, 23)],
)
def test_every_example_is_a_time_ahead_the_parser_reads(now: datetime) -> None:
    shown = examples(now)
    assert len(shown) >= 4
    for example in shown:
        when = parse_send_time(example, now)
        assert when is not None, example
        assert when > now, example


def test_examples_move_with_the_clock() -> None:
    assert examples(NOW) != examples(NOW + timedelta(days=3))


@pytest.mark.parametrize(
    ("hour", "minute", "said"),
    [(9, 0, "上午9点"), (15, 30, "下午3点半"), (20, 0, "晚上8点"), (12, 0, "中午12点"), (3, 5, "凌晨3点5分")],
)
def test_hour_phrase_reads_back(hour: int, minute: int, said: str) -> None:
    assert hour_phrase(hour, minute) == said
    assert parse_send_time("明天" + said, NOW) == at(12, 3, hour, minute)
