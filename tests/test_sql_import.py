"""An existing DATA_DIR/state.json (and its journals) is imported into the SQL store once, then kept as *.imported."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.settings import Settings
from bot.core.storage import StorageError
from bot.services import Services, build_services
from bot.staff.announcement import Status
from bot.staff.delivery import OK, Delivery, Policy
from bot.staff.feedback import Feedback
from handlers.serve.persistence import StorePersistence

NOW = 1_800_000_000.0


def tinydb(collections: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The old TinyStore file: {collection: {doc_id: {…, "_key": key}}}."""
    return json.dumps(
        {
            name: {str(i): {**doc, "_key": key} for i, (key, doc) in enumerate(docs.items(), start=1)}
            for name, docs in collections.items()
        },
        ensure_ascii=False,
    )


def old_data_dir(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    state = {
        "users": {"71": {"locale": "en"}, "72": {"locale": "zh_Hant"}},
        "subscribers": {
            "100": {"topics": ["loans"], "cities": [], "since": "2026-01-02T03:04:05+00:00", "active": True},
            "101": {"topics": [], "cities": ["haikou"], "since": "2026-01-02T03:04:05+00:00", "active": True},
            "102": {"topics": [], "cities": [], "since": "2026-01-02T03:04:05+00:00", "active": False},
        },
        "announcements": {
            "a1": {
                "text": "<b>旧通知</b>",
                "target": {"topics": [], "cities": []},
                "send_at": None,
                "status": "sending",
                "created_by": "9000",
                "created_at": "2026-11-01T01:00:00+00:00",
                "started_at": "2026-11-01T01:00:01+00:00",
                "finished_at": None,
                "counts": {"total": 2, "delivered": 0, "blocked": 0, "failed": 0, "pending": 2},
            },
            "a0": {
                "text": "早就发完了",
                "target": {"topics": ["loans"], "cities": []},
                "send_at": None,
                "status": "done",
                "created_by": "admin-api",
                "created_at": "2026-10-01T01:00:00+00:00",
                "counts": {"total": 5, "delivered": 4, "blocked": 1, "failed": 0, "pending": 0},
            },
            "broken": {"status": "no-such-status"},
        },
        "announcement_plans": {"a1": {"chats": [100, 101]}},
        "handoffs": {
            "-100:555": {
                "staff_chat_id": -100,
                "staff_message_id": 555,
                "member_chat_id": 71,
                "member_user_id": 71,
                "question_message_id": 10,
                "text": "单位不给签合同",
                "locale": "en",
                "at": NOW - 60,
                "replies": 0,
            }
        },
        "ptb_user_data": {"71": {"data": {"loan": {"step": 2}}}},
        "ptb_conversations": {
            '["loan_questionnaire", 71, 71]': {"name": "loan_questionnaire", "key": [71, 71], "state": 0}
        },
    }
    (data_dir / "state.json").write_text(tinydb(state), encoding="utf-8")
    journal = data_dir / "journal"
    journal.mkdir()
    (journal / "announcement-a1.jsonl").write_bytes(b'{"c":100,"o":"sent"}\n{"c":101,"o":"se')  # torn tail
    feedback = [
        {"e": "q", "chat": 71, "msg": 10, "user": 71, "text": "单位不给签合同", "at": NOW - 60},
        {"e": "v", "chat": 72, "msg": 20, "user": 72, "ref": "qa:x", "vote": "down", "at": NOW - 50},
    ]
    (journal / "feedback-2027W02.jsonl").write_text("".join(json.dumps(r) + "\n" for r in feedback))


@pytest.fixture
async def imported(settings: Settings) -> Services:
    old_data_dir(settings.data_dir)
    services = await build_services(settings)
    yield services  # type: ignore[misc]
    await services.close()


async def test_everything_the_old_file_held_is_in_the_store(imported: Services) -> None:
    assert await imported.preferences.locale(71) == "en"
    assert (await imported.subscriptions.get(100)).topics == ("loans",)
    assert (await imported.subscriptions.get(101)).cities == ("haikou",)
    assert (await imported.subscriptions.get(102)).active is False
    assert await imported.subscriptions.recipients() == [100, 101]
    done = await imported.announcements.get("a0")
    assert (done.status, done.counts.delivered, done.counts.blocked) == (Status.DONE, 4, 1)
    assert await imported.announcements.get("broken") is None  # unreadable: skipped, start-up went on
    handoff = await imported.handoffs.find(-100, 555)
    assert handoff.text == "单位不给签合同"
    persistence = StorePersistence(imported.store)
    user_data: dict[Any, Any] = {}
    await persistence.refresh_user_data(71, user_data)
    assert user_data == {"loan": {"step": 2}}
    assert await persistence.get_conversations("loan_questionnaire") == {(71, 71): 0}
    report = await Feedback(imported.store, lambda: NOW).report()
    assert report.unanswered == [("单位不给签合同", 1)]
    assert [t.ref for t in report.down_voted] == ["qa:x"]


async def test_an_interrupted_notice_resumes_where_its_journal_stopped(imported: Services) -> None:
    sent: list[int] = []

    async def send(chat_id: int) -> Any:
        sent.append(chat_id)
        return OK

    report = await Delivery(imported.announcements, imported.deliveries, send, Policy(rate=1000)).run("a1")
    assert sent == [101]  # 100 was journalled as sent before the old process stopped
    assert (report.counts.total, report.counts.delivered, report.counts.pending) == (2, 2, 0)


async def test_the_old_files_are_kept_renamed_and_not_imported_twice(settings: Settings) -> None:
    data_dir = settings.data_dir
    old_data_dir(data_dir)
    imported = await build_services(settings)
    assert not (data_dir / "state.json").exists()
    assert (data_dir / "state.json.imported").exists()
    assert (data_dir / "journal.imported" / "announcement-a1.jsonl").exists()
    await imported.preferences.set_locale(71, "zh_Hans")
    await imported.close()
    (data_dir / "state.json.imported").rename(data_dir / "state.json")  # as if the rename had not happened
    again = await build_services(settings)
    try:
        assert await again.preferences.locale(71) == "zh_Hans"  # the import did not run again
        assert not (data_dir / "state.json").exists()
    finally:
        await again.close()


async def test_a_broken_state_file_stops_start_up_naming_it(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "state.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StorageError, match=r"state\.json"):
        await build_services(replace(settings))
    assert (settings.data_dir / "state.json").exists()  # nothing renamed: fix it and start again
