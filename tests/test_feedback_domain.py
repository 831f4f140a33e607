"""bot/staff/feedback.py and handoff.py over the SQL store: /report, hand-offs and retention, with a clock injected."""

from __future__ import annotations

import pytest

from bot.core.db.bot_state import BotState, Changes
from bot.core.db.retention import CLOSED_HANDOFF_DAYS, prune
from bot.core.storage import Store
from bot.staff.feedback import DAY, Feedback, Question, Tally, Vote
from bot.staff.handoff import HandOffs, Refusal
from bot.understanding.engine import Answer, Kind

NOW = 1_800_000_000.0  # a Friday in 2027
UNSURE = Answer("law", Kind.UNSURE, 0.2)


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def ask(store: Store, text: str, at: float, chat: int = 1, msg: int = 1) -> None:
    assert await Feedback(store, Clock(at)).record_unanswered(chat, msg, chat, text, UNSURE)


async def vote(store: Store, ref: str, choice: str, at: float, chat: int = 1, msg: int = 1, user: int = 1) -> None:
    await Feedback(store, Clock(at)).vote(chat, msg, user, ref, Vote(choice))


async def test_report_groups_spellings_and_ranks_by_count(store: Store) -> None:
    await ask(store, "工會會費交多少？", NOW - 3 * DAY)  # script, width and spacing variants count as one question
    await ask(store, "工会会费交多少?", NOW - 2 * DAY)
    await ask(store, " 工会会费交多少？", NOW - DAY)
    await ask(store, "加班费怎么算", NOW - DAY)
    report = await Feedback(store, Clock()).report()
    assert report.unanswered[0][1] == 3
    assert report.unanswered[0][0] == " 工会会费交多少？"  # the latest wording is shown
    assert report.unanswered[1] == ("加班费怎么算", 1)


@pytest.mark.parametrize(
    ("at", "counted"),
    [(NOW - 7 * DAY, True), (NOW - 7 * DAY - 1, False), (NOW, True), (NOW + 1, False)],
)
async def test_report_window_is_the_last_seven_days(store: Store, at: float, counted: bool) -> None:
    await ask(store, "加班费怎么算", at)
    await vote(store, "qa:x", "down", at)
    report = await Feedback(store, Clock()).report()
    assert bool(report.unanswered) is counted
    assert bool(report.down_voted) is counted


async def test_report_counts_a_members_last_vote_only(store: Store) -> None:
    await vote(store, "qa:a", "down", NOW - 30, user=1)
    await vote(store, "qa:a", "up", NOW - 20, user=1)  # changed their mind
    await vote(store, "qa:a", "down", NOW - 10, chat=2, msg=5, user=2)
    await vote(store, "qa:b", "down", NOW - 10, chat=3, msg=6, user=3)
    await vote(store, "qa:b", "down", NOW - 5, chat=4, msg=7, user=4)
    await vote(store, "qa:c", "up", NOW - 5, chat=5, msg=8, user=5)  # only up-votes: not listed
    assert (await Feedback(store, Clock()).report()).down_voted == [Tally("qa:b", 2, 0), Tally("qa:a", 1, 1)]


async def test_report_limit(store: Store) -> None:
    for i in range(30):
        await ask(store, f"问题{i}", NOW - i)
    assert len((await Feedback(store, Clock()).report(limit=10)).unanswered) == 10


async def test_feedback_logs_only_unanswered_and_finds_the_question_before_an_answer(store: Store) -> None:
    clock = Clock()
    feedback = Feedback(store, clock)
    assert await feedback.record_unanswered(7, 10, 7, "第一个问题", UNSURE)
    assert not await feedback.record_unanswered(7, 12, 7, "劳模待遇", Answer("benefits", Kind.ENTRY, 0.9, ref="qa:x"))
    assert await feedback.record_unanswered(7, 14, 7, "第二个问题", Answer("unknown", Kind.OFF_TOPIC, 0.0))
    assert await feedback.record_unanswered(8, 20, 8, "别人的问题", UNSURE)
    assert (await feedback.question_before(7, 11)).text == "第一个问题"
    assert (await feedback.question_before(7, 15)) == Question(7, 14, 7, "第二个问题", NOW)
    assert await feedback.question_before(7, 10) is None
    clock.now += 8 * DAY
    assert await feedback.question_before(7, 15) is None  # stale: older than a week


async def test_feedback_report_spans_a_week_boundary(store: Store) -> None:
    clock = Clock(NOW - 5 * DAY)
    feedback = Feedback(store, clock)
    await feedback.record_unanswered(1, 1, 1, "旧问题", UNSURE)
    await feedback.vote(1, 2, 1, "qa:a", Vote.DOWN)
    clock.now = NOW
    await feedback.record_unanswered(1, 3, 1, "旧问题", UNSURE)
    report = await feedback.report()
    assert report.unanswered == [("旧问题", 2)]
    assert report.down_voted == [Tally("qa:a", 1, 0)]


async def test_handoffs_refuse_without_staff_chat_or_question_and_only_once(store: Store) -> None:
    feedback = Feedback(store, Clock())
    await feedback.record_unanswered(7, 10, 7, "问题", UNSURE)
    question = await feedback.question_before(7, 11)
    assert await HandOffs(store, None).refusal(question) is Refusal.NO_STAFF
    handoffs = HandOffs(store, -100, Clock())
    assert await handoffs.refusal(None) is Refusal.NO_QUESTION
    assert await handoffs.refusal(question) is None
    handoff = await handoffs.record(question, staff_message_id=555, locale="en")
    assert await handoffs.refusal(question) is Refusal.ALREADY
    assert await handoffs.find(-100, 555) == handoff
    assert await handoffs.find(-100, 556) is None
    await handoffs.replied(handoff)
    assert (await HandOffs(store, -100).find(-100, 555)).replies == 1  # durable


async def test_retention_prunes_old_feedback_finished_conversations_and_closed_handoffs_only(store: Store) -> None:
    await ask(store, "半年前的问题", NOW - 181 * DAY, msg=1)
    await ask(store, "上个月的问题", NOW - 30 * DAY, msg=2)
    await vote(store, "qa:a", "down", NOW - 200 * DAY, msg=3)
    await vote(store, "qa:b", "down", NOW - DAY, msg=4)
    handoffs = HandOffs(store, -100, Clock(NOW - (CLOSED_HANDOFF_DAYS + 2) * DAY))
    answered = await handoffs.record(Question(7, 10, 7, "早就答复了"), staff_message_id=1, locale="zh_Hans")
    await handoffs.replied(answered)
    waiting = await handoffs.record(Question(8, 11, 8, "还在等"), staff_message_id=2, locale="zh_Hans")
    conversations = BotState(store)
    await conversations.write(Changes(conversations={("loan", "[7, 7]"): None, ("loan", "[8, 8]"): 2}))
    removed = await prune(store, feedback_days=180, now=NOW)
    assert removed["ptb_conversations"] == 1  # the finished one
    assert await conversations.conversations([("loan", "[7, 7]"), ("loan", "[8, 8]")]) == {("loan", "[8, 8]"): 2}
    assert removed["feedback_questions"] == 1
    assert removed["feedback_votes"] == 1
    assert removed["handoffs"] == 1
    assert [text for text, _ in (await Feedback(store, Clock()).report(days=60)).unanswered] == ["上个月的问题"]
    assert await handoffs.find(-100, 1) is None
    assert await handoffs.find(-100, 2) == waiting  # unanswered and younger than FEEDBACK_DAYS: kept
