"""The console chat runs the same loan questionnaire as Telegram."""

from __future__ import annotations

from collections.abc import Iterator

from bot.channels.console import run_console
from bot.understanding.engine import Engine


def chat(engine: Engine, *lines: str) -> str:
    """Run the console over ``lines`` and return everything it wrote."""
    feed: Iterator[str] = iter(lines)
    out: list[str] = []

    def read(_prompt: str) -> str:
        line = next(feed, None)
        if line is None:
            raise EOFError
        return line

    assert run_console(engine, read, out.append) == 0
    return "\n".join(out)


def test_typing_the_start_word_runs_the_questionnaire_to_a_verdict(engine: Engine) -> None:
    text = chat(engine, "贷款测评", "2", "抚顺", "没有", "五万块", "开一家早餐店")
    assert "1. 下岗失业人员" in text
    assert "（5/5）" in text
    assert "您属于扶持对象" in text
    assert "fs-default" not in text
    assert "来源：工人日报" in text


def test_bad_amount_back_and_cancel_in_the_console(engine: Engine) -> None:
    text = chat(engine, "贷款测评", "3", "抚顺", "有", "-5", "返回", "取消", "工会法第六条")
    assert "金额要大于零" in text
    assert text.count("（3/5）") == 2  # asked, then asked again after 返回
    assert "已退出贷款测评" in text
    assert "竭诚服务职工群众" in text  # after 取消, questions go to the engine again


def test_start_word_mid_way_offers_resume_or_restart(engine: Engine) -> None:
    text = chat(engine, "贷款测评", "1", "贷款测评", "继续", "贷款测评", "重新开始")
    assert text.count("没填完") == 2
    assert text.count("（2/5）") == 2
    assert text.count("（1/5）") == 2


def test_outside_fushun_the_console_points_elsewhere(engine: Engine) -> None:
    text = chat(engine, "贷款测评", "1", "2", "2", "8万", "开网店")
    assert "资料里只有抚顺市总工会（辽宁省抚顺市）的项目" in text
    assert "创业担保贷款" in text


def test_a_question_typed_at_a_step_is_answered_and_the_step_waits(engine: Engine) -> None:
    text = chat(engine, "贷款测评", "我送外卖的，夏天太热了有没有地方能歇脚喝口水啊", "2", "抚顺")
    assert "没看懂" not in text  # not taken for a wrong answer to 'who are you'
    assert "还停在第1题" in text
    assert "（2/5）" in text  # the typed 2 still answers step 1, and the questionnaire goes on
    assert "（3/5）" in text
