"""What members read of the loan questionnaire: places checked, ranges told only where they apply,
short verdicts in plain words, every content label in the reader's script or language."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.core.content_loader import load_model
from bot.core.content_models import LoansFile
from bot.core.i18n import gettext_for
from bot.loans import render
from bot.loans.places import is_place
from bot.loans.questionnaire import Action, FormState, LoanForm, Problem, Step, parse_resume
from bot.loans.rules import OTHER_CITY, AmountFlag, Answers
from tests.conftest import CONTENT

HANS, HANT, EN = (gettext_for(locale) for locale in ("zh_Hans", "zh_Hant", "en"))
SHORT_VERDICT = 500  # characters a phone shows without scrolling far
JARGON = re.compile(r"\bBP\b|\d+BP|LPR[+−-]")


@pytest.fixture(scope="module")
def form() -> LoanForm:
    return LoanForm(load_model(CONTENT / "loans.json", LoansFile))


def every_answers(form: LoanForm) -> list[Answers]:
    """One set of answers for each combination that can change a verdict."""
    groups = [*form.programme.group_names, "其他"]
    cities = ["抚顺", "杭州", OTHER_CITY]
    amounts = [20_000, 80_000, 150_000, 1_000_000]
    return [
        Answers(group, city, unpaid, amount, "开一家早餐店")
        for group, city, unpaid, amount in itertools.product(groups, cities, (False, True), amounts)
    ]


@pytest.mark.parametrize("text", ["杭州", "浙江省杭州市", "在抚顺县", "北京朝阳", "延边", "西双版纳", "Hangzhou"])
def test_places_are_places(text: str) -> None:
    assert is_place(text)


@pytest.mark.parametrize("text", ["火星", "火星人", "不知道", "开店", "12345", "东北", "Mars"])
def test_what_is_no_place_is_not(text: str) -> None:
    assert not is_place(text)


def test_a_city_that_is_no_place_is_asked_again(form: LoanForm) -> None:
    state = FormState(Step.CITY, {"group": "高校毕业生"})
    outcome = form.typed(state, "火星")
    assert (outcome.action, outcome.state, outcome.problem) == (Action.REASK, state, Problem.NOT_A_PLACE)
    assert "没找到这个地方" in render.reply(form, outcome, HANS)


def test_the_range_is_told_only_to_members_in_the_region(form: LoanForm) -> None:
    at_home = render.question(form, FormState(Step.AMOUNT, {"city": "抚顺"}), HANS)
    elsewhere = render.question(form, FormState(Step.AMOUNT, {"city": "杭州"}), HANS)
    assert "5万元~10万元" in at_home
    assert "5万元~10万元" not in elsewhere
    assert "抚顺" not in elsewhere


def test_an_amount_is_flagged_only_against_the_members_own_programme(form: LoanForm) -> None:
    home = form.typed(FormState(Step.AMOUNT, {"group": "高校毕业生", "city": "抚顺", "unpaid": False}), "100万")
    away = form.typed(FormState(Step.AMOUNT, {"group": "高校毕业生", "city": "杭州", "unpaid": False}), "100万")
    assert home.flag is AmountFlag.ABOVE
    assert away.flag is None


def test_the_note_promised_at_the_amount_step_is_in_the_verdict(form: LoanForm) -> None:
    unpaid = form.verdict(Answers("高校毕业生", "抚顺", True, 1_000_000, "开工厂"))  # decided by the unpaid loan
    text = render.verdict(unpaid, HANS).plain()
    assert "您需要的100万元超过了这个项目每次借款的额度（5万元~10万元）" in text


def test_verdicts_are_short_plain_and_name_no_rule(form: LoanForm) -> None:
    rule_ids = {rule.id for p in (form.programme, *form.others) for rule in p.rules}
    for answers in every_answers(form):
        result = form.verdict(answers)
        short = render.verdict(result, HANS)
        details = render.details(form, result, HANS)
        assert len(short.plain()) <= SHORT_VERDICT, (answers, len(short.plain()))
        for text in (short.plain(), details.plain()):
            assert not any(rule_id in text for rule_id in rule_ids)
            assert "规则" not in text
            assert not JARGON.search(text), text


def test_details_hold_what_the_short_verdict_leaves_out(form: LoanForm) -> None:
    result = form.verdict(Answers("退役军人", "抚顺", False, 80_000, "开网店"))
    details = render.details(form, result, HANS).plain()
    for fact in ("一年", "无息", "5万元~10万元", "怎么申请", "退役军人", "8万元", "开网店", "来源：工人日报"):
        assert fact in details
    assert "怎么申请" not in render.verdict(result, HANS).plain()


def test_traditional_readers_read_every_content_label_converted(form: LoanForm) -> None:
    labels = [render.choice_label(c, HANT) for step in Step for c in form.choices(step)]
    assert "下崗失業人員" in labels
    assert "遼寧省撫順市" in labels
    result = form.verdict(Answers("高校毕业生", "杭州", False, 80_000, "开网店"))
    for text in (render.verdict(result, HANT).plain(), render.details(form, result, HANT).plain()):
        assert "撫順市總工會" in text
        assert "抚顺" not in text
        assert "总工会" not in text


def test_english_readers_get_english_labels_and_the_in_chinese_line(form: LoanForm) -> None:
    labels = [render.choice_label(c, EN) for step in Step for c in form.choices(step)]
    assert not any(re.search(r"[\u4e00-\u9fff]", label) for label in labels), labels
    result = form.verdict(Answers("高校毕业生", "抚顺", False, 80_000, "开网店"))
    short = render.verdict(result, EN).plain()
    assert "only available in Chinese" in short
    assert "Fushun Federation of Trade Unions" in short
    assert "University graduate" in render.details(form, result, EN).plain()


@pytest.mark.parametrize(("typed", "choice"), [("取消", "cancel"), ("/cancel", "cancel"), ("3", "cancel")])
def test_the_resume_offer_takes_cancel(typed: str, choice: str) -> None:
    assert parse_resume(typed) == choice
