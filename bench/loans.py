"""Benchmark the loan questionnaire and print the figures.

    python bench/loans.py [--rounds 20000] [--chats 200]

Three layers: the amount parser on a mix of good and absurd inputs; whole questionnaires
through the channel-neutral state machine with the verdict rendered; and whole
questionnaires through PTB's real HTTP path against the fake Bot API (with persistence),
which is what one Telegram user costs. Also the length of the short verdict over every
combination of answers that changes it (the issue asks for ≤ ~500 characters), and what
telling a question from an answer at a step costs (bot/loans/aside.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.i18n import gettext_for  # noqa: E402
from bot.core.settings import Settings  # noqa: E402
from bot.loans.amount import parse_amount  # noqa: E402
from bot.loans.aside import aside  # noqa: E402
from bot.loans.questionnaire import Action, FormState, LoanForm, Step  # noqa: E402
from bot.loans.render import verdict  # noqa: E402
from bot.loans.rules import OTHER_CITY, Answers  # noqa: E402
from bot.services import build_services, load_engine  # noqa: E402
from handlers.app import build_application  # noqa: E402
from tests.conftest import ChatDriver  # noqa: E402
from tests.fake_bot_api import FakeBotAPI, callback_update, message_update  # noqa: E402

AMOUNTS = ("5万", "五万块", "100000", "10万元", "一百万", "-5", "abc", "0", "5万块", "三万五", "1.5万", "3-5万")
ANSWERS = ("高校毕业生", "抚顺", "没有", "8万", "开一家早餐店")
ROUTE = ("loan:group:1", "loan:city:home", "loan:unpaid:no", "8万", "开一家早餐店")


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49]:.1f}  p99 {cuts[98]:.1f}"


def timed(run: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1e6)
    return samples


def bench_domain(settings: Settings, rounds: int) -> None:
    engine = load_engine(settings)
    form, _ = LoanForm(engine.knowledge.files.loans), gettext_for("zh_Hans")
    inputs = iter(AMOUNTS * (rounds // len(AMOUNTS) + 1))
    samples = timed(lambda: parse_amount(next(inputs)), rounds)
    print(f"parse_amount ({len(AMOUNTS)} inputs, mixed):  {percentiles(samples)} µs")

    def questionnaire() -> None:
        state = form.start()
        for text in ANSWERS:
            outcome = form.typed(state, text)
            state = outcome.state  # type: ignore[assignment]
        assert outcome.action is Action.FINISHED
        assert outcome.verdict is not None
        verdict(outcome.verdict, _)

    samples = timed(questionnaire, rounds // 10)
    print(f"questionnaire, 5 typed answers + rendered verdict:  {percentiles(samples)} µs")

    combos = [
        Answers(group, city, unpaid, amount, "开一家早餐店")
        for group in (*form.programme.group_names, "其他")
        for city in ("抚顺", "杭州", OTHER_CITY)
        for unpaid in (False, True)
        for amount in (20_000, 80_000, 150_000, 1_000_000)
    ]
    for locale in ("zh_Hans", "zh_Hant", "en"):
        lengths = [len(verdict(form.verdict(a), gettext_for(locale)).plain()) for a in combos]
        print(f"short verdict, {len(combos)} answer combinations, {locale}: max {max(lengths)} chars")

    state = FormState(Step.GROUP)
    asked = ("我送外卖的，夏天太热了有没有地方能歇脚喝口水啊", "火星人", "工会法第六条是啥")
    texts = iter(asked * (rounds // 10 // len(asked) + 1))

    def at_a_step() -> None:
        text = next(texts)
        aside(engine, Step.GROUP, form.typed(state, text), text)

    print(f"question or answer at a step (typed + aside):  {percentiles(timed(at_a_step, rounds // 10))} µs")


async def bench_telegram(settings: Settings, chats: int) -> None:
    async with FakeBotAPI() as api:
        services = await build_services(replace(settings, api_base_url=api.base_url))
        application = build_application(services)
        latencies: list[float] = []
        async with application:
            driver = ChatDriver(application, api)
            start = time.perf_counter()
            for chat in range(chats):
                user = 10_000 + chat
                updates = [message_update("/loan", user_id=user)]
                updates += [
                    callback_update(a, user_id=user) if a.startswith("loan:") else message_update(a, user_id=user)
                    for a in ROUTE
                ]
                for raw in updates:
                    begin = time.perf_counter()
                    await driver.feed(raw)
                    latencies.append((time.perf_counter() - begin) * 1e3)
            elapsed = time.perf_counter() - start
        await services.close()
    print(
        f"Telegram path, {chats} users x 6 updates: {len(latencies) / elapsed:.0f} updates/s, "
        f"per update {percentiles(latencies)} ms, {len(api.calls)} Bot API calls"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20_000)
    parser.add_argument("--chats", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(bot_token="123456:TEST-token", data_dir=Path(data), content_dir=ROOT / "content")
        bench_domain(settings, args.rounds)
        asyncio.run(bench_telegram(settings, args.chats))


if __name__ == "__main__":
    main()
