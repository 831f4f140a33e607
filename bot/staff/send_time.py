"""Send times the way staff say them: 明天上午9点, 周五下午3点, 今晚8点, 12月5日14:00, 半小时后, 立即.

A small parser instead of ``dateparser``, which reads Chinese relative expressions poorly
("今晚8点", "后天早上8点半"): the grammar people use for a notice's time is short, and a table of
tests pins every form down (tests/test_send_time.py). Times are Asia/Shanghai. What a phrase
leaves open is settled the way people mean it, never by guessing across days: "周五" is the
next Friday whose time is still ahead; "12月5日" is this year's, or next year's when this year's
has passed and next year's is within half a year; a bare "9点" is today at 09:00, and refused
with a suggestion ("今天晚上9点" or "明天9点") when that has passed. A past time is refused,
never silently sent at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from bot.core.chinese import chinese_to_int, to_simplified

# China has had no daylight saving since 1991, so a fixed offset is Asia/Shanghai exactly
# and needs no tz database on the host.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
MAX_CHARS = 40  # longer than any time anyone types ("2026年12月5日星期六下午3点45分")
PAST_GRACE = timedelta(minutes=1)  # the time a person needs to type the time and press 发送
MAX_AHEAD = timedelta(days=366)  # "2062-12-05": a slip, not a notice for 36 years ahead
NEXT_YEAR_WITHIN = timedelta(days=183)  # "1月3日" typed on 30 December means next year's

NOW_WORDS = frozenset({"现在", "立即", "立刻", "马上", "即刻", "立即发送", "现在发送", "马上发送", "立刻发送", "now"})
WEEKDAYS = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6, "日": 6, "天": 6}
DAY_WORDS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
# 今晚 is 今天 + 晚上: a day and a part of the day in one word
DAY_AND_PART = {"今晚": (0, "晚上"), "今夜": (0, "晚上"), "明晚": (1, "晚上"), "今早": (0, "上午"), "明早": (1, "上午")}
MORNING, NOON, AFTERNOON, EVENING, NIGHT, SMALL_HOURS = "上午", "中午", "下午", "晚上", "夜里", "凌晨"
PARTS = {  # the words for a part of the day, longest first where one starts another
    "凌晨": SMALL_HOURS,
    "清晨": MORNING,
    "早上": MORNING,
    "早晨": MORNING,
    "上午": MORNING,
    "早": MORNING,
    "中午": NOON,
    "下午": AFTERNOON,
    "午后": AFTERNOON,
    "傍晚": AFTERNOON,
    "晚上": EVENING,
    "晚间": EVENING,
    "晚": EVENING,
    "夜里": NIGHT,
    "夜间": NIGHT,
    "半夜": NIGHT,
}

_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十]+")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?")
_OFFSET = re.compile(r"(过)?(\d+(?:\.\d+)?|半)(个)?(半)?(分钟|分|小时|钟头|天)(以后|之后|后)?")
_FULL_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_MONTH_DAY = re.compile(r"(\d{1,2})(?:月|/)(\d{1,2})[日号]?")
_DAY_OF_MONTH = re.compile(r"(\d{1,2})[日号]")
_WEEKDAY = re.compile(r"(本|这|这个|下|下个|下下|下下个)?(?:周|星期|礼拜)([1-7日天])")
_DAYS_LATER = re.compile(r"(\d{1,3})天(?:以后|之后|后)")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_HOUR = re.compile(r"(\d{1,2})(?:点钟|点|时)(?:(半)|(\d)刻|(\d{1,2})分?|整)?")
_TRAILER = re.compile(r"(?:左右)?(?:发送|发出|发布|发)?")


class SendTimeError(ValueError):
    """A time that cannot be used; ``code`` is an announcement error code the renderers translate.

    ``when`` is the time understood (for "已经过去了"), ``suggestion`` a phrase that would work.
    """

    def __init__(self, code: str, message: str, when: datetime | None = None, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.when = when
        self.suggestion = suggestion


@dataclass(frozen=True)
class _Phrase:
    """What the words said; None where they said nothing."""

    day: date | int | None = None  # a date, or days from today (明天 1, 后天 2, 3天后 3)
    weekday: int | None = None  # 0 = Monday
    week_offset: int | None = None  # 本周 0, 下周 1, 下下周 2; None: the next such weekday
    month_day: tuple[int, int] | None = None  # without a year
    day_of_month: int | None = None  # "5号": this month's or next month's
    part: str | None = None
    hour: int | None = None
    minute: int = 0


def parse_send_time(text: str, now: datetime) -> datetime | None:
    """The send time ``text`` names, in Shanghai time; None for "now" (立即, 现在, …).

    Raises ``SendTimeError`` with ``send_at_invalid`` (not a time), ``send_at_no_time`` (a day
    without an hour), ``send_at_past`` or ``send_at_far`` (more than a year ahead).
    """
    now = now.astimezone(SHANGHAI)
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        raise SendTimeError("send_at_invalid", f"a send time is at most {MAX_CHARS} characters")
    words = _normalise(text)
    if not words:
        raise SendTimeError("send_at_invalid", "the send time is empty")
    if words in NOW_WORDS:
        return None
    when = _iso(words) or _offset(words, now) or _resolve(_read(words, text), now)
    return _check(when, now)


def _normalise(text: str) -> str:
    """Full-width to half-width, Traditional to Simplified, Chinese numerals to digits, no spaces but one."""
    words = to_simplified(unicodedata.normalize("NFKC", text)).strip().lower()
    words = _NUMERAL.sub(_numeral_to_digits, words)
    return re.sub(r"\s+", " ", words)


def _numeral_to_digits(match: re.Match[str]) -> str:
    run = match.group()
    if not any(unit in run for unit in "十百千"):  # 二〇二六 is read digit by digit
        return "".join(str(chinese_to_int(ch)) for ch in run)
    value = chinese_to_int(run)
    return run if value is None else str(value)


def _iso(words: str) -> datetime | None:
    """ISO 8601 as programs write it ("2026-12-05T09:00:00+08:00"); a time without an offset is Shanghai time."""
    if not _ISO.fullmatch(words):
        return None
    try:
        value = datetime.fromisoformat(words.upper().replace(" ", "T"))
    except ValueError:
        raise SendTimeError("send_at_invalid", f"{words!r} is not a valid date and time") from None
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)


def _offset(words: str, now: datetime) -> datetime | None:
    """ "半小时后", "10分钟后", "一个半小时后", "过20分钟"; "3天后" alone needs an hour, so it is not one."""
    match = _OFFSET.fullmatch(words)
    if match is None or not (match.group(1) or match.group(6)):
        return None
    _after, amount, _classifier, half, unit, _later = match.groups()
    if unit == "天":
        raise SendTimeError("send_at_no_time", "say at what time on that day", suggestion=f"{words}上午9点")
    value = 0.5 if amount == "半" else float(amount) + (0.5 if half else 0)
    minutes = value * (60 if unit in ("小时", "钟头") else 1)
    if minutes <= 0:
        raise SendTimeError("send_at_invalid", f"{words!r}: the delay must be positive")
    return now + timedelta(minutes=minutes)


def _read(words: str, original: str) -> _Phrase:
    """Read the day, the part of the day and the clock time, in that order; anything left over is an error."""
    found: dict[str, Any] = {}
    rest = _read_day(words, found).lstrip()
    for word, part in PARTS.items():
        if rest.startswith(word):
            if found.get("part", part) != part:
                raise SendTimeError("send_at_invalid", f"{original!r} names two parts of the day")
            found["part"], rest = part, rest[len(word) :].lstrip()
            break
    clock = _CLOCK.match(rest) or _HOUR.match(rest)
    if clock is not None:
        found["hour"], found["minute"] = _clock(clock)
        rest = rest[clock.end() :].lstrip()
    if not found or not _TRAILER.fullmatch(rest):
        raise SendTimeError("send_at_invalid", f"cannot read {original!r} as a time like 明天上午9点")
    phrase = _Phrase(**found)
    if phrase.hour is None:
        suggestion = original.strip() + ("" if phrase.part else MORNING) + ("8点" if phrase.part == EVENING else "9点")
        raise SendTimeError("send_at_no_time", "say at what time", suggestion=suggestion)
    return phrase


def _read_day(rest: str, found: dict[str, Any]) -> str:
    """The day words at the start of ``rest`` into ``found``; what follows them."""
    for word, (days, part) in DAY_AND_PART.items():
        if rest.startswith(word):
            found["day"], found["part"] = days, part
            return rest[len(word) :]
    for word, days in DAY_WORDS.items():
        if rest.startswith(word):
            found["day"] = days
            return rest[len(word) :]
    if match := _DAYS_LATER.match(rest):
        found["day"] = int(match.group(1))
    elif match := _FULL_DATE.match(rest):
        found["day"] = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    elif match := _MONTH_DAY.match(rest):
        month, day = int(match.group(1)), int(match.group(2))
        _date(2024, month, day)  # a leap year: 2月29日 is a date in some year
        found["month_day"] = (month, day)
    elif match := _WEEKDAY.match(rest):
        prefix = match.group(1)
        found["weekday"] = WEEKDAYS[match.group(2)]
        found["week_offset"] = None if prefix is None else prefix.count("下")
        return rest[match.end() :]
    elif match := _DAY_OF_MONTH.match(rest):
        found["day_of_month"] = int(match.group(1))
    else:
        return rest
    rest = rest[match.end() :].lstrip()
    weekday = _WEEKDAY.match(rest)  # "12月5日周六下午3点": a weekday after a date is a courtesy, not a second day
    return rest[weekday.end() :] if weekday and weekday.group(1) is None else rest


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise SendTimeError("send_at_invalid", f"{year}-{month}-{day} is not a date") from None


def _clock(match: re.Match[str]) -> tuple[int, int]:
    """(hour, minute) of "14:30", "3点", "8点半", "3点1刻", "9点15分"; the hour as said (before 下午 etc.)."""
    hour = int(match.group(1))
    if match.re is _CLOCK:
        minute = int(match.group(2))
    else:
        _hour, half, quarters, minutes = match.groups()
        if quarters and not 1 <= int(quarters) <= 3:
            raise SendTimeError("send_at_invalid", f"{match.group()!r} is not a time of day")
        minute = 30 if half else 15 * int(quarters) if quarters else int(minutes or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise SendTimeError("send_at_invalid", f"{match.group()!r} is not a time of day")
    return hour, minute


def _hour_of_day(part: str | None, hour: int) -> tuple[int, int]:
    """The 24-hour hour for ``hour`` said in ``part`` of the day, plus days moved on (晚上12点: 0:00 next day)."""
    if hour == 24 and part in (None, EVENING, NIGHT):
        return 0, 1
    if part is None or (part == MORNING and hour <= 12):
        return hour, 0
    if part == SMALL_HOURS and (hour <= 6 or hour == 12):
        return hour % 12, 0
    if part == NOON and (hour <= 2 or 11 <= hour <= 14):
        return (hour + 12 if hour <= 2 else hour), 0
    if part == AFTERNOON and 1 <= hour <= 19:
        return (hour + 12 if hour < 12 else hour), 0
    if part in (EVENING, NIGHT):
        # late at night the small hours belong to the next day: 今晚1点 is 01:00 tomorrow
        if hour == 12 or hour <= 4:
            return hour % 12, 1
        return (hour + 12 if hour < 12 else hour), 0
    raise SendTimeError("send_at_invalid", f"{part}{hour}点 is not a time of day")


def _resolve(phrase: _Phrase, now: datetime) -> datetime:
    """The datetime the phrase names, settling what it leaves open (see the module docstring)."""
    assert phrase.hour is not None
    hour, days_later = _hour_of_day(phrase.part, phrase.hour)
    clock = time(hour, phrase.minute)
    today = now.date()

    def at(day: date) -> datetime:
        return datetime.combine(day + timedelta(days=days_later), clock, SHANGHAI)

    def ahead(when: datetime) -> bool:
        return when >= now - PAST_GRACE

    if isinstance(phrase.day, int) and phrase.day > 0:  # 明天/后天/N天后 (今天 is read as a bare time)
        return at(today + timedelta(days=phrase.day))
    if isinstance(phrase.day, date):
        return at(phrase.day)
    if phrase.weekday is not None and phrase.week_offset is None:  # the next such day still ahead
        first = at(today + timedelta(days=(phrase.weekday - today.weekday()) % 7))
        return first if ahead(first) else first + timedelta(days=7)
    if phrase.weekday is not None:
        monday = today - timedelta(days=today.weekday())
        return at(monday + timedelta(days=7 * phrase.week_offset + phrase.weekday))
    if phrase.month_day is not None:
        return _nearest(_month_days(phrase.month_day, today), at, ahead, today)
    if phrase.day_of_month is not None:
        return _nearest(_days_of_month(phrase.day_of_month, today), at, ahead, today)
    when = at(today)  # a bare time: today, on the 24-hour clock unless a part of the day says otherwise
    if not ahead(when):
        raise SendTimeError("send_at_past", "that time today has passed", when, _suggest_later(phrase, now))
    return when


def _month_days(month_day: tuple[int, int], today: date) -> list[date]:
    """This year's and next year's 12月5日 (only the years that have a 2月29日)."""
    month, day = month_day
    return [date(year, month, day) for year in (today.year, today.year + 1) if _exists(year, month, day)]


def _days_of_month(day: int, today: date) -> list[date]:
    """This month's and next month's 5号 (only the months that have a 31号)."""
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return [
        month.replace(day=day) for month in (today.replace(day=1), next_month) if _exists(month.year, month.month, day)
    ]


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _nearest(days: list[date], at, ahead, today: date) -> datetime:  # type: ignore[no-untyped-def]
    """The first of ``days`` whose time is ahead and within half a year; refused as past otherwise."""
    for day in days:
        when = at(day)
        if ahead(when):
            if day - today <= NEXT_YEAR_WITHIN or day.year == today.year:
                return when
            break
    raise SendTimeError("send_at_past", "that day has passed", at(days[0]) if days else None)


def _check(when: datetime, now: datetime) -> datetime:
    if when < now - PAST_GRACE:
        raise SendTimeError("send_at_past", f"send time {when.isoformat()} is in the past", when)
    if when - now > MAX_AHEAD:
        raise SendTimeError("send_at_far", f"send time {when.isoformat()} is more than a year ahead", when)
    return when


# -- phrases for the staff: examples that are always ahead, suggestions for what was refused -------


def hour_phrase(hour: int, minute: int = 0) -> str:
    """A 24-hour time as people say it: 15:30 → 下午3点半, 09:00 → 上午9点, 20:00 → 晚上8点."""
    part = SMALL_HOURS if hour < 6 else MORNING if hour < 12 else NOON if hour == 12 else AFTERNOON
    part = EVENING if hour >= 18 else part
    shown = hour if hour <= 12 else hour - 12
    tail = "" if minute == 0 else "半" if minute == 30 else f"{minute}分"
    return f"{part}{shown}点{tail}"


def examples(now: datetime) -> list[str]:
    """Ways to write a send time, each naming a time ahead of ``now`` (never a date already past)."""
    now = now.astimezone(SHANGHAI)
    in_two_days = now + timedelta(days=2)
    next_week = now + timedelta(days=7)
    weekday = "一二三四五六日"[in_two_days.weekday()]
    return [
        "明天上午9点",
        f"周{weekday}下午3点",
        f"{next_week.month}月{next_week.day}日14:00",
        next_week.strftime("%Y-%m-%d 09:00"),
        "半小时后",
    ]


def _suggest_later(phrase: _Phrase, now: datetime) -> str:
    """For a bare hour that has passed today: the same hour this evening if that is ahead, else tomorrow's."""
    assert phrase.hour is not None
    if phrase.part is None and phrase.hour < 12:
        evening = datetime.combine(now.date(), time(phrase.hour + 12, phrase.minute), SHANGHAI)
        if evening >= now:
            return "今天" + hour_phrase(phrase.hour + 12, phrase.minute)
    hour, _days = _hour_of_day(phrase.part, phrase.hour)
    return "明天" + hour_phrase(hour, phrase.minute)
