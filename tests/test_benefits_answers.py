"""Typed questions about a benefit's place or service: curated entries first, structured data for the rest."""

from __future__ import annotations

import pytest

from bot.benefits.places import BenefitPlaces
from bot.channels.ask import answer_json
from bot.core.content_models import Benefit, BenefitPolicy, Label, QAEntry, Source
from bot.core.knowledge import Knowledge
from bot.understanding.engine import Engine, Kind, Query
from bot.understanding.normalise import normalise

SOURCE = Source(publication="工人日报", date="2022-01", title="测试报道")
POLICY = BenefitPolicy(
    id="p",
    title="《测试办法》",
    label="测试办法",
    label_en="Test rules",
    region="某林区",
    issuer="某工会",
    eligible_honours=[Label(name="全国劳动模范", en="National Model Worker")],
    conditions=["在编制内"],
    includes_retirees=True,
    card="《优惠证》",
    card_issuer="某工会",
    benefits=[
        Benefit(
            id="park",
            name="景区免门票",
            en="Free entry",
            detail="参观景区免门票",
            places=["镜泊湖", "雪乡"],
            family_member="一名家属",
        ),
        Benefit(id="spa", name="温泉疗养", en="Spa", detail="每年一次", places=["五大连池"]),
    ],
    effective="2022-01-01",
    source=SOURCE,
)
CURATED = [QAEntry(id="xuexiang", questions=["去雪乡要门票吗"], answer="免门票。", source=SOURCE)]


@pytest.fixture(scope="module")
def with_places(knowledge: Knowledge) -> Engine:
    return Engine(knowledge, resolvers=(BenefitPlaces.from_knowledge(knowledge),))


def ask(resolver: BenefitPlaces, text: str) -> object:
    norm = normalise(text)
    return resolver(Query(text, norm, ()))


@pytest.mark.parametrize(
    ("question", "benefit"),
    [
        ("去镜泊湖要门票吗", "park"),
        ("鏡泊湖要門票嗎", "park"),  # Traditional input is folded before matching
        ("五大连池能疗养吗", "spa"),
        ("温泉疗养怎么报名", "spa"),
        ("去雪乡要门票吗", None),  # a curated entry mentions 雪乡: BM25 answers it
        ("劳模有什么待遇", None),
        ("池", None),
    ],
)
def test_resolver_takes_only_uncurated_places_and_names(question: str, benefit: str | None) -> None:
    found = ask(BenefitPlaces([POLICY], CURATED), question)
    assert (found.data["benefit"] if found else None) == benefit


def test_a_question_naming_a_place_is_left_to_the_ranking_and_its_place_check(with_places: Engine) -> None:
    answer = with_places.answer("吉林省林业系统的劳模有没有看病免挂号费的待遇？")
    assert (answer.kind, answer.detail) == (Kind.NOT_COVERED, "place")
    assert not answer.sources


def test_answer_is_rendered_from_the_policy_with_its_source() -> None:
    found = ask(BenefitPlaces([POLICY], CURATED), "去镜泊湖要门票吗")
    assert found.topic == "benefits"
    assert found.kind is Kind.ENTRY
    assert found.sources == (SOURCE,)
    for fact in ("参观景区免门票", "一名家属", "在编制内", "《优惠证》", "某工会", "某林区", "2022"):
        assert fact in found.text
    assert "温泉疗养" not in found.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("去雪乡要门票吗", "免门票"),
        ("看病挂号要钱吗", "挂号免费"),
        ("劳模去亚布力玩门票咋算", "免门票"),
        ("东北虎林园劳模免费吗", "免门票"),
        ("劳模看病免挂号费吗", "挂号免费"),
        ("就医绿色通道怎么走", "医保结算优先"),
    ],
)
def test_real_content_answers_places_and_services(with_places: Engine, question: str, fact: str) -> None:
    result = answer_json(with_places.answer(question))
    assert result["topic"] == "benefits"
    assert fact in result["answer"]
    assert result["sources"]
