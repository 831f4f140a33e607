"""bot/staff/feedback.py and handoff.py: the /report aggregation and the hand-off records, with a clock injected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.storage import FileJournal, TinyStore
from bot.staff.feedback import DAY, Feedback, Tally, Vote, build_report, week_stream
from bot.staff.handoff import HandOffs, Refusal
from bot.understanding.engine import Answer, Kind

NOW = 1_800_000_000.0  # a Friday in 2027
UNSURE = Answer("law", Kind.UNSURE, 0.2)


def q(text: str, at: float, chat: int = 1, msg: int = 1) -> dict:
    return {"e": "q", "chat": chat, "msg": msg, "user": chat, "text": text, "at": at}


def v(ref: str, vote: str, at: float, chat: int = 1, msg: int = 1, user: int = 1) -> dict:
    return {"e": "v", "chat": chat, "msg": msg, "user": user, "ref": ref, "vote": vote, "at": at}


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_report_groups_spellings_and_ranks_by_count() -> None:
    events = [
        q("工會會費交多少？", NOW - 3 * DAY),  # script, width and spacing variants count as one question
        q("工会会费交多少?", NOW - 2 * DAY),
        q(" 工会会费交多少？", NOW - DAY),
        q("加班费怎么算", NOW - DAY),
    ]
    report = build_report(events, NOW)
    assert report.unanswered[0][1] == 3
    assert report.unanswered[0][0] == " 工会会费交多少？"  # the latest wording is shown
    assert report.unanswered[1] == ("加班费怎么算", 1)


@pytest.mark.parametrize(
    ("at", "counted"),
    [(NOW - 7 * DAY, True), (NOW - 7 * DAY - 1, False), (NOW, True), (NOW + 1, False)],
)
def test_report_window_is_the_last_seven_days(at: float, counted: bool) -> None:
    report = build_report([q("加班费怎么算", at), v("qa:x", "down", at)], NOW)
    assert bool(report.unanswered) is counted
    assert bool(report.down_voted) is counted


def test_report_counts_a_members_last_vote_only() -> None:
    events = [
        v("qa:a", "down", NOW - 30, user=1),
        v("qa:a", "up", NOW - 20, user=1),  # changed their mind
        v("qa:a", "down", NOW - 10, chat=2, msg=5, user=2),
        v("qa:b", "down", NOW - 10, chat=3, msg=6, user=3),
        v("qa:b", "down", NOW - 5, chat=4, msg=7, user=4),
        v("qa:c", "up", NOW - 5, chat=5, msg=8, user=5),  # only up-votes: not listed
    ]
    assert build_report(events, NOW).down_voted == [Tally("qa:b", 2, 0), Tally("qa:a", 1, 1)]


def test_report_limit() -> None:
    events = [q(f"问题{i}", NOW - i) for i in range(30)]
    assert len(build_report(events, NOW, limit=10).unanswered) == 10


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[FileJournal]:
    journal = FileJournal(tmp_path / "journal")
    yield journal
    journal.close()


def test_feedback_logs_only_unanswered_and_finds_the_question_before_an_answer(journal: FileJournal) -> None:
    clock = Clock()
    feedback = Feedback(journal, clock)
    assert feedback.record_unanswered(7, 10, 7, "第一个问题", UNSURE)
    assert not feedback.record_unanswered(7, 12, 7, "劳模待遇", Answer("benefits", Kind.ENTRY, 0.9, ref="qa:x"))
    assert feedback.record_unanswered(7, 14, 7, "第二个问题", Answer("unknown", Kind.OFF_TOPIC, 0.0))
    assert feedback.record_unanswered(8, 20, 8, "别人的问题", UNSURE)
    assert feedback.question_before(7, 11).text == "第一个问题"
    assert feedback.question_before(7, 15).text == "第二个问题"
    assert feedback.question_before(7, 10) is None
    clock.now += 8 * DAY
    assert feedback.question_before(7, 15) is None  # stale: older than a week


def test_feedback_report_spans_a_week_boundary(journal: FileJournal) -> None:
    clock = Clock(NOW - 5 * DAY)
    feedback = Feedback(journal, clock)
    feedback.record_unanswered(1, 1, 1, "旧问题", UNSURE)
    feedback.vote(1, 2, 1, "qa:a", Vote.DOWN)
    clock.now = NOW
    feedback.record_unanswered(1, 3, 1, "旧问题", UNSURE)
    assert week_stream(NOW - 5 * DAY) != week_stream(NOW)
    report = feedback.report()
    assert report.unanswered == [("旧问题", 2)]
    assert report.down_voted == [Tally("qa:a", 1, 0)]


def test_feedback_report_skips_malformed_journal_lines(journal: FileJournal) -> None:
    for bad in ({"e": "q"}, {"e": "v", "at": NOW, "chat": 1, "msg": 1, "user": 1, "ref": "qa:a", "vote": "meh"}):
        journal.append(week_stream(NOW), bad)
    journal.append(week_stream(NOW), q("好问题", NOW))
    assert Feedback(journal, Clock()).report().unanswered == [("好问题", 1)]


def test_handoffs_refuse_without_staff_chat_or_question_and_only_once(tmp_path: Path, journal: FileJournal) -> None:
    store = TinyStore(tmp_path)
    feedback = Feedback(journal, Clock())
    feedback.record_unanswered(7, 10, 7, "问题", UNSURE)
    question = feedback.question_before(7, 11)
    assert HandOffs(store, None).refusal(question) is Refusal.NO_STAFF
    handoffs = HandOffs(store, -100, Clock())
    assert handoffs.refusal(None) is Refusal.NO_QUESTION
    assert handoffs.refusal(question) is None
    handoff = handoffs.record(question, staff_message_id=555, locale="en")
    assert handoffs.refusal(question) is Refusal.ALREADY
    assert handoffs.find(-100, 555) == handoff
    assert handoffs.find(-100, 556) is None
    handoffs.replied(handoff)
    assert HandOffs(TinyStore(tmp_path), -100).find(-100, 555).replies == 1  # durable
