"""The engine, topic by topic, through its public API; bad input never raises."""

import pytest

from bot.core.i18n import gettext_for
from bot.understanding.engine import Engine, Kind
from bot.understanding.render import render_answer


def plain(engine: Engine, question: str) -> str:
    return render_answer(engine.answer(question), gettext_for("zh_Hans")).plain()


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("工会法第六条", 6),
        ("第6条讲什么", 6),
        ("第三十二条", 32),
        ("工會法第三十二條", 32),
        ("公会法第6条", 6),
        ("第 58 条", 58),
        ("工会法11条", 11),
        ("工会法六条", 6),
        ("工会法弟二十三条说的是啥", 23),  # 弟 typed for 第
    ],
)
def test_article_lookup(engine: Engine, question: str, number: int) -> None:
    answer = engine.answer(question)
    assert answer.kind is Kind.ARTICLE
    assert answer.data["number"] == number
    assert answer.text == engine.knowledge.law.article(number).text
    assert answer.sources[0].article == number


@pytest.mark.parametrize("number", [0, 59, 999])
def test_article_out_of_range_says_how_many_there_are(engine: Engine, number: int) -> None:
    answer = engine.answer(f"第{number}条")
    assert answer.kind is Kind.NO_ARTICLE
    assert "58" in plain(engine, f"第{number}条")


@pytest.mark.parametrize(
    ("question", "topic", "fact"),
    [
        ("老板拖欠工资工会能管吗", "law", "第二十三条"),
        ("劳模去雪乡要门票吗", "benefits", "门票"),
        ("勞模看病要掛號費嗎", "benefits", "挂号"),
        ("海口有多少个户外劳动者服务站点", "stations", "19"),
        ("抚顺工会无息借款能借多少", "loans", "10万"),
        ("抚顺 贷歀 期限", "loans", "一年"),
        ("创业担宝贷款个人额度是多少", "loans", "20万元"),  # 担宝 sounds like 担保
        ("北京给一线劳动者送微笑照", "faq", "微笑照"),
    ],
)
def test_topics_and_key_facts(engine: Engine, question: str, topic: str, fact: str) -> None:
    """Answered as sure, or, when two entries are too close to tell, offered first."""
    answer = engine.answer(question)
    assert answer.topic == topic
    if answer.kind is Kind.UNSURE:
        assert answer.confidence < engine.answer_at
        answer = engine.answer_ref(answer.suggestions[0].ref)
        assert answer is not None
    else:
        assert answer.confidence >= engine.answer_at
    assert fact in render_answer(answer, gettext_for("zh_Hans")).plain()
    assert answer.sources, "every answer names its source"


@pytest.mark.parametrize("question", ["你好", "谢谢！", "在吗", "hello"])
def test_chitchat(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert (answer.topic, answer.kind) == ("chitchat", Kind.CHITCHAT)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What can you do?", "identity"),  # folded to Chinese, nothing of it is left
        ("who are you", "identity"),  # folded, only 谁
        ("Are you a real person or a bot?", "identity"),
        ("Thank you so much!", "thanks"),
        ("早晨！你系咩嚟㗎？", "identity"),
        ("你是真人还是AI啊", "identity"),
        ("妳好，請問妳是真人客服嗎？", "identity"),  # 妳 is 你
        ("你叫啥名字？", "identity"),
        ("多谢晒！", "thanks"),
        ("Hi there, am I talking to a real person?", "identity"),
        ("你是哪个单位弄的小助手？", "identity"),
    ],
)
def test_english_and_cantonese_chitchat_is_told_before_english_is_folded(
    engine: Engine, question: str, kind: str
) -> None:
    answer = engine.answer(question)
    assert (answer.kind, answer.detail) == (Kind.CHITCHAT, kind)
    assert engine.answer("hi, can a delivery rider join the union?").kind is not Kind.CHITCHAT
    assert engine.answer("老板拖了我们三个月工资了，工会能干点啥").kind is not Kind.CHITCHAT  # 啥 asks


def test_greeting_with_a_question_answers_the_question(engine: Engine) -> None:
    assert engine.answer("你好，工会法第六条是什么").kind is Kind.ARTICLE


@pytest.mark.parametrize("question", ["明天天气怎么样", "帮我买张火车票", "股票怎么买"])
def test_off_topic_gets_a_hint(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert (answer.topic, answer.kind) == ("unknown", Kind.OFF_TOPIC)
    assert "我可以回答" in plain(engine, question)


def test_vague_question_offers_at_most_three_suggestions(engine: Engine) -> None:
    answer = engine.answer("劳模")
    assert answer.kind is Kind.UNSURE
    assert 1 <= len(answer.suggestions) <= 3
    for suggestion in answer.suggestions:
        assert engine.answer_ref(suggestion.ref) is not None


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀🎉👍", "\x00\x01\x02", "\u202e\u200b", "工" * 10_000, "a" * 10_000, "第" + "九" * 500 + "条"],
)
def test_bad_input_never_raises(engine: Engine, text: str) -> None:
    answer = engine.answer(text)
    assert answer.topic in {"law", "benefits", "stations", "loans", "faq", "chitchat", "unknown"}
    assert plain(engine, text)


@pytest.mark.parametrize("ref", ["qa:nope", "art:0", "art:abc", "zzz", ""])
def test_unknown_refs(engine: Engine, ref: str) -> None:
    answer = engine.answer_ref(ref)
    assert answer is None or answer.kind is Kind.NO_ARTICLE


def test_related_suggestions_are_close_to_the_answer(engine: Engine) -> None:
    """Weak hits (an innovation-studio entry under a wage-arrears answer) are not offered as related."""
    answer = engine.answer("老板拖欠工资工会能管吗")
    assert answer.kind is Kind.ENTRY
    assert all(engine.answer_ref(s.ref).topic == "law" for s in answer.suggestions)
