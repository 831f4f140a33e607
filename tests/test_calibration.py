"""The calibrated confidence: its weights are data that must fit the features the engine computes,
and the decisions it drives (sure, unsure, honest) behave as the scope and calibration promise."""

import json
from pathlib import Path

import pytest

from bot.understanding.calibration import FEATURES, WEIGHTS, Calibration, Logistic
from bot.understanding.engine import Engine, Kind
from bot.understanding.normalise import English, normalise
from tests.eval.scoring import HONEST_KINDS


def test_shipped_weights_fit_the_features() -> None:
    calibration = Calibration.load()
    assert len(calibration.right.weights) == len(calibration.uncovered.weights) == len(FEATURES)
    assert 0.5 < calibration.answer_at < 1.0
    assert 0.0 < calibration.honest_at <= 1.0


def test_weights_fitted_for_other_features_are_refused(tmp_path: Path) -> None:
    raw = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    raw["features"] = raw["features"][:-1]
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="features"):
        Calibration.load(path)


def test_probability_is_bounded_and_follows_its_weights() -> None:
    model = Logistic(0.0, (2.0, -1.0))
    assert model.probability([0.0, 0.0]) == pytest.approx(0.5)
    assert model.probability([1.0, 0.0]) > model.probability([0.0, 0.0]) > model.probability([0.0, 1.0])
    assert 0.0 < model.probability([-1e9, 1e9]) < 1e-6  # no overflow


def test_a_sure_answer_reports_its_calibrated_probability(engine: Engine) -> None:
    answer = engine.answer("公司不给交社保怎么办")
    assert answer.kind is Kind.ENTRY
    assert answer.ranked is not None
    assert answer.confidence == round(answer.ranked.right, 3) >= engine.answer_at


@pytest.mark.parametrize("text", ["海口的站点几点关门", "贵阳瑞金北路环卫工休息室的电话是多少", "劳模证丢了怎么补办"])
def test_a_detail_the_sources_do_not_give_is_not_covered(engine: Engine, text: str) -> None:
    answer = engine.answer(text)
    assert (answer.kind, answer.sources) == (Kind.NOT_COVERED, ())


def test_a_district_without_stations_is_said_plainly(engine: Engine) -> None:
    answer = engine.answer("贵阳南明区有环卫工休息室吗")
    assert (answer.kind, answer.detail, answer.sources) == (Kind.NOT_COVERED, "place", ())


def test_a_listing_request_still_lists(engine: Engine) -> None:
    assert engine.answer("海口的站点").kind is Kind.STATIONS


def test_a_question_about_what_a_stations_answer_holds_is_not_a_listing(engine: Engine) -> None:
    answer = engine.answer("海口的站点在手机地图上能搜到吗")
    assert answer.kind is not Kind.STATIONS
    refs = [answer.ref, *(s.ref for s in answer.suggestions)]
    assert "qa:st-find-nearby" in refs


@pytest.mark.parametrize(
    "text",
    [
        "我是外卖骑手，在海口美兰区跑单，附近有没有能歇脚充电的站点？",  # 充电 is also in a curated answer
        "跑外卖天太热了，附近有没有能喝口水歇一会的工会驿站",
    ],
)
def test_a_request_for_a_station_is_listed_when_no_curated_answer_is_sure(engine: Engine, text: str) -> None:
    assert engine.answer(text).kind is Kind.STATIONS
    assert engine.answer("贵阳云岩区的环卫工休息室晚上开到几点？").kind is Kind.NOT_COVERED  # the sources lack it


@pytest.mark.parametrize(
    "text",
    [
        "天天加班到半夜也不给调休 工会能管吗",  # a workplace subject, asked about the union's role
        "我是兼职工会委员 任期三年 可我合同明年三月就到期了 单位说不续了 法律上对我有没有保护",  # a story
        "工会副主席任期还有两年，劳动合同明年到期，合同会自动延长吗？",  # art. 19 holds next year too
    ],
)
def test_the_unions_role_is_not_refused_for_an_incidental_subject_or_year(engine: Engine, text: str) -> None:
    assert engine.answer(text).kind is not Kind.NOT_COVERED


def test_a_personal_matter_is_refused_even_when_the_union_is_asked(engine: Engine) -> None:
    answer = engine.answer("欠了网贷好几万 工会能帮我还吗")
    assert answer.kind in HONEST_KINDS
    assert not answer.sources


def test_an_article_naming_another_document_answers_about_it(engine: Engine) -> None:
    answer = engine.answer("《中国工会章程》由谁制定或者修改？")
    assert (answer.kind, answer.ref) == (Kind.ARTICLE, "art:4")


def test_an_article_the_law_lacks_counts_as_honest(engine: Engine) -> None:
    assert engine.answer("工会法第62条").kind in HONEST_KINDS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("moved", "调动"), ("transferred", "调动"), ("join unions", "入会"), ("stopped", "阻挠"), ("wages", "工资")],
)
def test_english_inflections_reach_the_lexicon(raw: str, expected: str) -> None:
    english = English({"move": "调动", "transfer": "调动", "join union": "入会", "stop": "阻挠", "wage": "工资"}, set())
    assert normalise(raw, english=english) == expected


def test_cantonese_slips_are_matched_after_simplification(engine: Engine) -> None:
    assert "是不是" in engine.query("公司唔俾我哋搞工會 係唔係犯法㗎").text
    assert "不让" in engine.query("公司唔俾我哋搞工會").text


@pytest.mark.parametrize("text", ["好嘞 俺先去干活了 拜拜", "好的明白了 谢谢"])
def test_a_goodbye_with_news_is_chitchat(engine: Engine, text: str) -> None:
    assert engine.answer(text).kind is Kind.CHITCHAT


def test_thanks_before_a_real_question_answers_it(engine: Engine) -> None:
    assert engine.answer("谢谢，单位没有工会怎么办").ref == "qa:law-no-union-at-work"


def test_every_sure_ranked_answer_clears_the_compatibility_threshold(engine: Engine) -> None:
    from bot.understanding.engine import CONFIDENT

    assert engine.answer_at >= CONFIDENT
