"""The ``ask`` contract, run as staff run it: a subprocess of run_bot.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"topic", "answer", "sources", "confidence", "suggestions"}
TOPICS = {"law", "benefits", "stations", "loans", "faq", "chitchat", "unknown"}


def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BOT_TOKEN": "", **env},
        timeout=60,
    )


def test_ask_plain_prints_answer_with_source() -> None:
    done = run("ask", "工会法第六条")
    assert done.returncode == 0, done.stderr
    assert "维护职工合法权益、竭诚服务职工群众是工会的基本职责" in done.stdout
    assert "来源：" in done.stdout
    assert "第六条" in done.stdout


def test_ask_json_has_exactly_the_contract_keys() -> None:
    done = run("ask", "--json", "第32条讲什么")
    result = json.loads(done.stdout)
    assert set(result) == KEYS
    assert result["topic"] == "law"
    assert isinstance(result["suggestions"], list)
    assert all(isinstance(s, str) for s in result["sources"])
    assert 0 <= result["confidence"] <= 1


def test_ask_jsonl_answers_in_order_and_survives_bad_lines() -> None:
    lines = [
        json.dumps({"q": "你好"}, ensure_ascii=False),
        "this is not json",
        json.dumps({"q": "工会法第六条"}, ensure_ascii=False),
        json.dumps(["not", "an", "object"]),
        json.dumps({"question": "wrong key"}),
        json.dumps({"q": "明天天气怎么样"}, ensure_ascii=False),
    ]
    done = run("ask", "--jsonl", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == 6
    assert [r["topic"] for r in results] == ["chitchat", "unknown", "law", "unknown", "unknown", "unknown"]
    assert "error" in results[1]
    assert "error" in results[3]
    assert "error" in results[4]
    assert all(set(r) >= KEYS and r["topic"] in TOPICS for r in results)


def test_broken_content_stops_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "law.json").write_text("[]", encoding="utf-8")
    done = run("ask", "你好", CONTENT_DIR=str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "law.json" in done.stderr


def test_console_chat_answers_and_quits() -> None:
    done = run(stdin="工会法第六条\n\n退出\n")
    assert done.returncode == 0, done.stderr
    assert "BOT_TOKEN" in done.stdout
    assert "竭诚服务职工群众" in done.stdout
