"""A question asking for a figure the best answer does not state gets the honest reply, not the entry."""

from __future__ import annotations

import pytest

from bot.core.content_models import Detail, Lack
from bot.understanding.details import missing_figure
from bot.understanding.engine import Engine, Kind

MONEY = Detail(label="具体金额", figure="money", asks=["多少钱", "多少经费"])
SHARE = Detail(label="具体比例", figure="share", asks=["百分之几", "利息多少"])
PERIOD = Detail(label="具体期限", figure="duration", asks=["有效期", "几年", "几天"])


@pytest.mark.parametrize(
    ("question", "answer", "missing"),
    [
        ("优惠证有效期几年", "凭《先优模范优惠证》免门票。", "具体期限"),
        ("优惠证有效期几年", "优惠证有效期五年。", None),
        ("借款期限几年", "借款期限为一年。", None),
        ("每个工作室一年多少经费", "联盟由14家工作室组成。", "具体金额"),
        ("被辞退能赔多少钱", "给予本人年收入二倍的赔偿。", None),  # a multiple is a figure
        ("挂号要多少钱", "挂号免费。", None),
        ("借钱利息多少", "抚顺市总工会办理的是无息借款。", None),  # interest-free states the rate
        ("单位要交多少钱", "按全部职工工资总额的百分之二拨缴。", None),
        ("我退休好几年了还能享受吗", "凭优惠证享受。", None),  # 好几年 tells, it does not ask
        ("前几天公司让我加班工会管不管", "工会有权要求纠正。", None),
    ],
)
def test_a_figure_asked_for_and_not_stated_is_missing(question: str, answer: str, missing: str | None) -> None:
    assert missing_figure([MONEY, PERIOD, SHARE], question, [answer]) == missing


def test_opening_hours_are_a_clock_time_or_round_the_clock() -> None:
    hours = Detail(label="开放时间", figure="hours", asks=["开到几点"])
    assert missing_figure([hours], "休息室晚上开到几点", ["投入100万元建成25座休息室。"]) == "开放时间"
    for answer in ("每天8:00至20:00开放。", "早上八点到晚上九点开放。", "24小时开放。"):
        assert missing_figure([hours], "休息室晚上开到几点", [answer]) is None


def test_when_something_ends_is_not_answered_by_when_it_starts() -> None:
    until = Detail(label="截止时间", figure="until", asks=["到哪年截止"])
    assert missing_figure([until], "免门票到哪年截止", ["从2022年1月1日起享受。"]) == "截止时间"
    assert missing_figure([until], "免门票到哪年截止", ["有效期至2025年底。"]) is None


def test_a_story_is_not_read_as_asking_for_a_figure() -> None:
    story = "我是煤矿的掘进工干了十五年前几天瓦斯数据一直偏高班长还让我们下井工友都很慌工会到底能做些什么呢"
    assert missing_figure([PERIOD], story, ["工会有权提出解决的建议。"]) is None


def test_engine_says_the_sources_give_no_such_figure(engine: Engine) -> None:
    answer = engine.answer("黑龙江林业系统的先优模范优惠证有效期几年")
    assert answer.kind is Kind.NOT_COVERED
    assert answer.detail == "detail"
    assert not answer.sources
    assert answer.suggestions  # what the knowledge holds on the subject is still offered


def test_engine_answers_when_the_entry_states_the_figure(engine: Engine) -> None:
    answer = engine.answer("抚顺工会无息借款借多久要还")
    assert answer.kind is Kind.ENTRY
    assert "一年" in answer.text


MATERIALS = Detail(label="所需材料", asks=["材料"])


@pytest.mark.parametrize(
    ("question", "lacks", "missing"),
    [
        # The answer states the unit's 2%, but the entry lacks the member's share: the question asks that.
        ("会员每月交工资的百分之几作会费", [Lack(detail="具体比例", when=["会费"])], "具体比例"),
        ("单位按工资的百分之几拨缴经费", [Lack(detail="具体比例", when=["会费"])], None),
        ("申请要带什么材料", [Lack(detail="所需材料")], "所需材料"),
        ("申请要带什么材料", [], None),  # a detail without a pattern is missing only where an entry says so
    ],
)
def test_a_detail_the_entry_lacks_is_missing_whatever_figures_it_states(
    question: str, lacks: list[Lack], missing: str | None
) -> None:
    answer = "会员缴纳会费；单位按工资总额的百分之二拨缴经费。"
    assert missing_figure([SHARE, MATERIALS], question, [answer], lacks) == missing


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("抚顺工会无息借款要带什么材料", "所需材料"),
        ("困难劳模帮扶金全国统一标准是多少", "具体金额"),
        ("入了工会每个月交多少会费", "具体金额"),
        ("What percentage of my salary do I pay as union membership dues?", "具体比例"),
        ("抚顺市总工会电话多少", "联系电话"),
        ("抚顺工会的无息借款到期还不上会怎么样", "还不上的后果"),
        ("衢州技校聘的那7名客座教授都叫什么名字？", "具体名单"),
        ("黑龙江林业劳模免门票的政策什么时候到期？", "截止时间"),
        ("贵阳云岩区的环卫工休息室每座面积有多大？", "面积"),
        ("基层工会的经费审查委员会要由几个人组成？", "人数"),
        ("抚顺那个那明峰的公司叫什么名字？", "公司名称"),
        ("衢州那24个研修学生都去了哪些企业？", "具体名单"),
        ("劳模优惠证在哪个窗口办？", "具体地址"),
        ("办劳模优惠证要交几寸照片？", "所需材料"),
        ("工会委员会换届选举差额比例要多少？", "具体比例"),
        ("贵阳云岩区的环卫工休息室晚上开到几点？", "开放时间"),
        ("江苏15家省级试点单位都是哪些？", "具体名单"),
        ("全总的户外劳动者服务站点全国统一建设标准具体内容是什么？", "文件全文"),
        # The entry answers that the sources found no national scheme; asked for one, that is the honest reply.
        ("全国总工会有没有统一的职工无息借款制度？", "全国统一的制度"),
        ("工会法修改后，工会经费审查委员会要有几个人？", "人数"),
        ("全国最美驿站评上了能拿多少奖补资金？", "具体金额"),
    ],
)
def test_engine_is_honest_about_a_detail_the_entry_says_its_sources_lack(
    engine: Engine, question: str, detail: str
) -> None:
    answer = engine.answer(question)
    assert (answer.kind, answer.detail, answer.data["name"]) == (Kind.NOT_COVERED, "detail", detail)
    assert not answer.sources


def test_engine_still_answers_the_figure_such_an_entry_states(engine: Engine) -> None:
    answer = engine.answer("漯河市总工会给全国劳模发了多少钱")  # ben-hardship lacks only the national standard
    assert answer.kind is Kind.ENTRY
    assert "31.94万元" in answer.text
