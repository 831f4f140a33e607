"""The loan questionnaire's pure parts: amount parser, rule evaluator, one test per shipped rule, state machine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.content_loader import ContentError, load_model
from bot.core.content_models import OTHER_GROUP, LoanRule, LoansFile, LoanWhen
from bot.core.i18n import gettext_for
from bot.loans.amount import AmountProblem, parse_amount
from bot.loans.questionnaire import STEPS, Action, FormState, LoanForm, Problem, Step, parse_resume
from bot.loans.render import choice_label, yuan
from bot.loans.render import verdict as render_verdict
from bot.loans.rules import OTHER_CITY, AmountFlag, Answers, decide, in_place, place_core, rule_holds
from tests.conftest import CONTENT

_ = gettext_for("zh_Hans")


@pytest.fixture(scope="module")
def loans() -> LoansFile:
    return load_model(CONTENT / "loans.json", LoansFile)


@pytest.fixture(scope="module")
def form(loans: LoansFile) -> LoanForm:
    return LoanForm(loans)


def answers(**changes: object) -> Answers:
    base = {"group": "高校毕业生", "city": "抚顺", "unpaid": False, "amount": 80_000, "business": "开一家早餐店"}
    return Answers(**{**base, **changes})  # type: ignore[arg-type]


# -- the amount parser -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "yuan_"),
    [
        ("5万", 50_000),
        ("五万块", 50_000),
        ("5万块", 50_000),
        ("100000", 100_000),
        ("100,000", 100_000),
        ("10万元", 100_000),
        ("一百万", 1_000_000),
        ("十万", 100_000),
        ("1.5万", 15_000),
        ("三万五", 35_000),
        ("5万5", 55_000),
        ("5万5千", 55_000),
        ("两万五千", 25_000),
        ("一千零五", 1_005),
        ("伍万元", 50_000),
        ("１０万", 100_000),
        ("¥50000", 50_000),
        ("50w", 500_000),
        ("8万左右", 80_000),
        ("一百", 100),
    ],
)
def test_amounts_people_type_are_read(text: str, yuan_: int) -> None:
    assert parse_amount(text).yuan == yuan_


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", AmountProblem.EMPTY),
        ("   ", AmountProblem.EMPTY),
        ("abc", AmountProblem.NOT_A_NUMBER),
        ("很多钱", AmountProblem.NOT_A_NUMBER),
        ("万", AmountProblem.NOT_A_NUMBER),
        ("1e5", AmountProblem.NOT_A_NUMBER),
        ("0", AmountProblem.NOT_POSITIVE),
        ("-5", AmountProblem.NOT_POSITIVE),
        ("负五万", AmountProblem.NOT_POSITIVE),
        ("5", AmountProblem.NO_UNIT),
        ("五", AmountProblem.NO_UNIT),
        ("3-5万", AmountProblem.RANGE),
        ("五万到十万", AmountProblem.RANGE),
        ("999999999999", AmountProblem.TOO_LARGE),
    ],
)
def test_absurd_amounts_get_a_reason(text: str, problem: AmountProblem) -> None:
    parsed = parse_amount(text)
    assert parsed.yuan is None
    assert parsed.problem is problem


@given(st.text(max_size=40))
def test_amount_parser_never_raises(text: str) -> None:
    parsed = parse_amount(text)
    assert (parsed.yuan is None) != (parsed.problem is None)
    assert parsed.yuan is None or parsed.yuan > 0


# -- the rule evaluator ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "holds", "fails"),
    [
        (LoanWhen(group_in=["退役军人"]), answers(group="退役军人"), answers()),
        (LoanWhen(group_not_in=["高校毕业生"]), answers(group=OTHER_GROUP), answers()),
        (LoanWhen(city_not="抚顺"), answers(city="沈阳"), answers(city="抚顺县")),
        (LoanWhen(city_not="抚顺"), answers(city=OTHER_CITY), answers(city="辽宁省抚顺市")),
        (LoanWhen(unpaid_loan=True), answers(unpaid=True), answers()),
        (LoanWhen(unpaid_loan=False), answers(), answers(unpaid=True)),
        (LoanWhen(amount_gt=100_000), answers(amount=100_001), answers(amount=100_000)),
        (LoanWhen(amount_lt=50_000), answers(amount=49_999), answers(amount=50_000)),
        (LoanWhen(group_in=["高校毕业生"], amount_gt=1), answers(), answers(group="退役军人")),
    ],
)
def test_each_condition_key(when: LoanWhen, holds: Answers, fails: Answers) -> None:
    assert rule_holds(when, holds)
    assert not rule_holds(when, fails)


def test_all_conditions_must_hold() -> None:
    when = LoanWhen(group_in=["高校毕业生"], unpaid_loan=True)
    assert not rule_holds(when, answers())
    assert rule_holds(when, answers(unpaid=True))


def test_a_rule_without_conditions_always_holds() -> None:
    assert rule_holds(LoanWhen(), answers())


def test_first_matching_rule_decides_and_none_when_nothing_matches() -> None:
    first = LoanRule(id="a", when=LoanWhen(unpaid_loan=True), verdict="needs_check", reason="a")
    second = LoanRule(id="b", when=LoanWhen(), verdict="eligible", reason="b")
    assert decide([first, second], answers(unpaid=True)) is first
    assert decide([first, second], answers()) is second
    assert decide([first], answers()) is None


@pytest.mark.parametrize(("name", "core"), [("辽宁省抚顺市", "抚顺"), ("抚顺市", "抚顺"), ("北京", "北京")])
def test_place_core(name: str, core: str) -> None:
    assert place_core(name) == core


def test_in_place_folds_script_and_width() -> None:
    assert in_place("撫順", "辽宁省抚顺市")
    assert in_place(" 抚顺县 汤图乡", "抚顺市")
    assert not in_place(OTHER_CITY, "抚顺市")


# -- one test per shipped rule ---------------------------------------------------------

RULE_CASES = [
    ("fushun-union-interest-free-loan", answers(unpaid=True), "fs-unpaid-loan", "needs_check"),
    ("fushun-union-interest-free-loan", answers(group=OTHER_GROUP), "fs-group-other", "not_eligible"),
    ("fushun-union-interest-free-loan", answers(city="沈阳"), "fs-city-not-fushun", "needs_check"),
    ("fushun-union-interest-free-loan", answers(city=OTHER_CITY), "fs-city-not-fushun", "needs_check"),
    ("fushun-union-interest-free-loan", answers(amount=1_000_000), "fs-amount-too-high", "needs_check"),
    ("fushun-union-interest-free-loan", answers(amount=30_000), "fs-amount-small", "eligible"),
    ("fushun-union-interest-free-loan", answers(), "fs-default", "eligible"),
    ("fushun-union-interest-free-loan", answers(city="抚顺县", group="退役军人"), "fs-default", "eligible"),
    ("national-startup-guarantee-loan", answers(unpaid=True), "cg-unpaid-loan", "needs_check"),
    ("national-startup-guarantee-loan", answers(amount=300_000), "cg-amount-too-high", "needs_check"),
    ("national-startup-guarantee-loan", answers(group=OTHER_GROUP), "cg-group-other", "needs_check"),
    ("national-startup-guarantee-loan", answers(group="返乡创业农民工"), "cg-default", "eligible"),
]
# Safety nets that no answer reaches (none at present); every other rule needs a case above.
UNREACHABLE: set[str] = set()


@pytest.mark.parametrize(("programme_id", "given", "rule_id", "outcome"), RULE_CASES)
def test_shipped_rule(loans: LoansFile, programme_id: str, given: Answers, rule_id: str, outcome: str) -> None:
    programme = next(p for p in loans.programmes if p.id == programme_id)
    rule = decide(programme.rules, given)
    assert rule is not None
    assert (rule.id, rule.verdict) == (rule_id, outcome)


def test_every_shipped_rule_has_a_case(loans: LoansFile) -> None:
    shipped = {rule.id for programme in loans.programmes for rule in programme.rules}
    assert shipped - UNREACHABLE == {case[2] for case in RULE_CASES}


# -- validation of the rules in content ------------------------------------------------


def _broken_copy(tmp_path: Path, change) -> Path:
    target = tmp_path / "loans.json"
    shutil.copy(CONTENT / "loans.json", target)
    data = json.loads(target.read_text(encoding="utf-8"))
    change(data)
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


def test_misspelt_condition_names_file_entry_and_field(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, lambda d: d["programmes"][0]["rules"][0]["when"].update(amout_gt=1))
    with pytest.raises(ContentError, match=r"loans\.json: entry programmes\[0\] \(fushun-union-interest-free-loan\)"):
        load_model(path, LoansFile)
    with pytest.raises(ContentError, match=r"field rules\.0\.when\.amout_gt"):
        load_model(path, LoansFile)


def test_wrong_condition_type_is_refused(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, lambda d: d["programmes"][0]["rules"][0]["when"].update(unpaid_loan="maybe"))
    with pytest.raises(ContentError, match=r"field rules\.0\.when\.unpaid_loan"):
        load_model(path, LoansFile)


def test_group_the_questionnaire_never_offers_is_refused(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, lambda d: d["programmes"][0]["rules"][1]["when"].update(group_not_in=["大学生"]))
    with pytest.raises(ContentError, match=r"loans\.json: .*rules\[1\] \(fs-group-other\) field when: group 大学生"):
        load_model(path, LoansFile)


def test_alias_of_an_unknown_group_is_refused(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, lambda d: d["programmes"][0]["group_aliases"].update(大学生们=["大学"]))
    with pytest.raises(ContentError, match=r"entry programmes\[0\].*group_aliases names 大学生们"):
        load_model(path, LoansFile)


def test_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, lambda d: d["programmes"][0]["rules"][1].update(id="fs-unpaid-loan"))
    with pytest.raises(ContentError, match="rule ids must be unique"):
        load_model(path, LoansFile)


# -- the state machine -----------------------------------------------------------------


def walk(form: LoanForm, *typed: str) -> FormState:
    state = form.start()
    for text in typed:
        outcome = form.typed(state, text)
        assert outcome.action is Action.NEXT, (text, outcome)
        assert outcome.state is not None
        state = outcome.state
    return state


def test_groups_come_from_the_programme_plus_other(form: LoanForm) -> None:
    labels = [choice_label(c, _) for c in form.choices(Step.GROUP)]
    assert labels == [*form.programme.group_names, "其他"]


@pytest.mark.parametrize(
    ("typed", "group"),
    [
        ("2", "高校毕业生"),
        ("高校毕业生", "高校毕业生"),
        ("毕业生", "高校毕业生"),
        ("退役", "退役军人"),
        ("我是退伍的", "退役军人"),
        ("大学生", "高校毕业生"),
        ("农民工", "返乡创业农民工"),
        ("我在农村种地", "农村富余劳动力"),
        ("都不是", OTHER_GROUP),
    ],
)
def test_typed_group_is_matched(form: LoanForm, typed: str, group: str) -> None:
    outcome = form.typed(form.start(), typed)
    assert outcome.state is not None
    assert outcome.state.answers["group"] == group


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("7", Problem.NOT_A_CHOICE),
        ("火星人", Problem.NOT_A_CHOICE),
        ("高校毕业生和退役军人", Problem.AMBIGUOUS),
        ("😀", Problem.EMPTY),
    ],
)
def test_typed_group_that_fits_no_single_choice_is_reasked(form: LoanForm, typed: str, problem: Problem) -> None:
    state = form.start()
    outcome = form.typed(state, typed)
    assert (outcome.action, outcome.state, outcome.problem) == (Action.REASK, state, problem)


@pytest.mark.parametrize(
    ("typed", "city"),
    [("1", "辽宁省抚顺市"), ("2", OTHER_CITY), ("其它", OTHER_CITY), ("其他城市", OTHER_CITY), ("沈阳市", "沈阳市")],
)
def test_city_by_button_number_or_name(form: LoanForm, typed: str, city: str) -> None:
    outcome = form.typed(walk(form, "1"), typed)
    assert outcome.state is not None
    assert outcome.state.answers["city"] == city


@pytest.mark.parametrize("typed", ["12345", "😀", "城" * 21])
def test_unreadable_city_is_reasked(form: LoanForm, typed: str) -> None:
    assert form.typed(walk(form, "1"), typed).action is Action.REASK


@pytest.mark.parametrize(
    ("typed", "unpaid"),
    [
        ("有", True),
        ("还没还清", True),
        ("没有", False),
        ("已还清", False),
        ("有吧", True),
        ("没有啊", False),
        ("还清了呢", False),
        ("2", False),
    ],
)
def test_unpaid_by_word(form: LoanForm, typed: str, unpaid: bool) -> None:
    outcome = form.typed(walk(form, "1", "抚顺"), typed)
    assert outcome.state is not None
    assert outcome.state.answers["unpaid"] is unpaid


def test_amount_above_the_range_is_taken_and_flagged(form: LoanForm) -> None:
    outcome = form.typed(walk(form, "1", "抚顺", "没有"), "一百万")
    assert outcome.action is Action.NEXT
    assert outcome.flag is AmountFlag.ABOVE
    assert outcome.state is not None
    assert outcome.state.answers["amount"] == 1_000_000


@pytest.mark.parametrize("typed", ["-5", "abc", "0", "5"])
def test_bad_amount_is_reasked_with_its_reason(form: LoanForm, typed: str) -> None:
    state = walk(form, "1", "抚顺", "没有")
    outcome = form.typed(state, typed)
    assert (outcome.action, outcome.state) == (Action.REASK, state)
    assert outcome.problem == parse_amount(typed).problem


@pytest.mark.parametrize(("typed", "problem"), [("🍜🍜", Problem.EMPTY), ("面" * 201, Problem.TOO_LONG)])
def test_bad_business_is_reasked(form: LoanForm, typed: str, problem: Problem) -> None:
    outcome = form.typed(walk(form, "1", "抚顺", "没有", "5万"), typed)
    assert (outcome.action, outcome.problem) == (Action.REASK, problem)


def test_whole_questionnaire_gives_the_deciding_rule(form: LoanForm) -> None:
    outcome = form.typed(walk(form, "高校毕业生", "抚顺", "没有", "8万"), "开一家早餐店")
    assert outcome.action is Action.FINISHED
    assert outcome.state is None
    assert outcome.verdict is not None
    assert outcome.verdict.main.rule is not None
    assert outcome.verdict.main.rule.id == "fs-default"
    assert outcome.verdict.in_region
    assert outcome.verdict.alternatives == ()


def test_outside_the_region_the_other_programmes_are_judged_too(form: LoanForm) -> None:
    outcome = form.typed(walk(form, "退役军人", "杭州", "没有", "8万"), "开网店")
    assert outcome.verdict is not None
    assert not outcome.verdict.in_region
    assert [v.programme.id for v in outcome.verdict.alternatives] == ["national-startup-guarantee-loan"]
    text = render_verdict(outcome.verdict, _).plain()
    main, alternative = outcome.verdict.main.rule, outcome.verdict.alternatives[0].rule
    assert main is not None
    assert alternative is not None
    assert (main.id, alternative.id) == ("fs-city-not-fushun", "cg-default")
    assert main.reason in text
    assert alternative.reason in text
    assert "资料里只有" in text
    assert "当地总工会" in text
    assert "12351" in text
    assert "工人日报" in text
    assert "新华网" in text


@pytest.mark.parametrize("step", STEPS)
def test_back_at_each_step(form: LoanForm, step: Step) -> None:
    typed = ["1", "抚顺", "没有", "5万"][: STEPS.index(step)]
    state = walk(form, *typed)
    for word in ("返回", "上一步"):
        outcome = form.typed(state, word)
        if step is STEPS[0]:
            assert (outcome.action, outcome.state) == (Action.LEFT, None)
        else:
            assert outcome.action is Action.BACK
            assert outcome.state is not None
            assert outcome.state.step is STEPS[STEPS.index(step) - 1]
            assert set(outcome.state.answers) == {s.value for s in STEPS[: STEPS.index(step) - 1]}


@pytest.mark.parametrize("step", STEPS)
def test_cancel_word_at_each_step(form: LoanForm, step: Step) -> None:
    state = walk(form, *["1", "抚顺", "没有", "5万"][: STEPS.index(step)])
    assert form.typed(state, "取消").action is Action.CANCELLED


def test_buttons_of_another_step_are_stale_and_unknown_ones_forged(form: LoanForm) -> None:
    state = walk(form, "1")
    assert form.press(state, "group", "0").problem is Problem.STALE
    assert form.press(state, "city", "mars").problem is Problem.FORGED
    assert form.press(state, "nonsense", "0").problem is Problem.FORGED
    assert form.press(state, "city", "home").action is Action.NEXT


def test_state_round_trips_and_garbage_is_dropped(form: LoanForm) -> None:
    state = walk(form, "1", "抚顺", "有", "5万")
    assert FormState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    assert FormState.from_dict(None) is None
    assert FormState.from_dict({"step": "nope", "answers": {}}) is None
    kept = FormState.from_dict({"step": "amount", "answers": {"group": 3, "amount": True, "city": "抚顺", "x": 1}})
    assert kept == FormState(Step.AMOUNT, {"city": "抚顺"})


def test_a_state_missing_an_earlier_answer_asks_for_it(form: LoanForm) -> None:
    state = FormState(Step.BUSINESS, {"group": "高校毕业生", "unpaid": False, "amount": 50_000})
    outcome = form.typed(state, "开店")
    assert outcome.action is Action.REASK
    assert outcome.state is not None
    assert outcome.state.step is Step.CITY


@given(st.lists(st.text(max_size=30), max_size=8))
def test_any_typing_keeps_a_valid_state(texts: list[str]) -> None:
    form = LoanForm(load_model(CONTENT / "loans.json", LoansFile))
    state: FormState | None = form.start()
    for text in texts:
        if state is None:
            break
        outcome = form.typed(state, text)
        assert (outcome.state is None) == (outcome.action in {Action.LEFT, Action.CANCELLED, Action.FINISHED})
        state = outcome.state


@pytest.mark.parametrize(
    ("typed", "choice"), [("继续", "resume"), ("重新开始", "restart"), ("重来", "restart"), ("嗯", None)]
)
def test_resume_words(typed: str, choice: str | None) -> None:
    assert parse_resume(typed) == choice


@pytest.mark.parametrize(
    ("amount", "text"),
    [(50_000, "5万元"), (15_000, "1.5万元"), (1_000_000, "100万元"), (800, "800元"), (12_345, "12,345元")],
)
def test_yuan(amount: int, text: str) -> None:
    assert yuan(amount, _) == text
