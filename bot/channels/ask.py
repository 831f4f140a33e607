"""``run_bot.py ask``: the engine from the command line, for staff checks and evaluation.

The JSON shape is a contract other tools build on:
``{"topic", "answer", "sources", "confidence", "suggestions"}``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import IO, Any

from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.understanding.engine import Answer, Engine
from bot.understanding.render import Rendered, format_source, render_answer

Special = Callable[[dict[str, Any]], dict[str, Any] | None]


def answer_json(answer: Answer) -> dict[str, Any]:
    rendered = render_answer(answer, gettext_for(DEFAULT_LOCALE))
    return {
        "topic": answer.topic,
        "answer": Rendered(rendered.heading, rendered.body).plain(),
        "sources": [format_source(s) for s in answer.sources],
        "confidence": answer.confidence,
        "suggestions": [s.title for s in answer.suggestions],
    }


def answer_plain(answer: Answer) -> str:
    return render_answer(answer, gettext_for(DEFAULT_LOCALE)).plain()


def error_result(message: str) -> dict[str, Any]:
    """A result line for a request that cannot be answered; specials use it too."""
    return {
        "topic": "unknown",
        "answer": message,
        "sources": [],
        "confidence": 0.0,
        "suggestions": [],
        "error": message,
    }


def run_jsonl(engine: Engine, stdin: IO[str], stdout: IO[str], specials: tuple[Special, ...] = ()) -> int:
    """Answer one JSON object per input line, in order; a bad line gets an ``error`` result."""
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            result = error_result(f"line {number}: not JSON ({exc.msg})")
        else:
            result = _dispatch(engine, request, number, specials)
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0


def _dispatch(engine: Engine, request: Any, number: int, specials: tuple[Special, ...]) -> dict[str, Any]:
    if not isinstance(request, dict):
        return error_result(f"line {number}: expected a JSON object")
    for special in specials:
        result = special(request)
        if result is not None:
            return result
    question = request.get("q")
    if not isinstance(question, str):
        return error_result(f'line {number}: expected {{"q": "问题"}}')
    return answer_json(engine.answer(question))


def main(engine: Engine, question: str | None, as_json: bool, jsonl: bool, specials: tuple[Special, ...] = ()) -> int:
    if jsonl:
        return run_jsonl(engine, sys.stdin, sys.stdout, specials)
    if question is None:
        print("ask: give a question, or --jsonl to read questions from stdin", file=sys.stderr)
        return 2
    answer = engine.answer(question)
    print(json.dumps(answer_json(answer), ensure_ascii=False) if as_json else answer_plain(answer))
    return 0
