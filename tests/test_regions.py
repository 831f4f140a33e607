"""Place names from the gazetteer, and English words folded to the knowledge's Chinese."""

from __future__ import annotations

import pytest

from bot.understanding.normalise import English, normalise
from bot.understanding.regions import CITY, DISTRICT, FOREIGN, PROVINCE, Gazetteer, short_name


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_every_province_and_the_big_cities_are_known(gazetteer: Gazetteer) -> None:
    for name in ("黑龙江", "黑龙江省", "新疆", "广西", "北京", "哈尔滨", "抚顺市", "云岩区"):
        assert gazetteer.places(name), name
    assert gazetteer.places("黑龙江")[0].level == PROVINCE
    assert gazetteer.places("哈尔滨")[0].level == CITY
    assert gazetteer.places("云岩区")[0].level == DISTRICT


def test_a_place_lies_within_its_province(gazetteer: Gazetteer) -> None:
    [harbin] = gazetteer.places("哈尔滨")
    [heilongjiang] = gazetteer.places("黑龙江")
    [jiangsu] = gazetteer.places("江苏")
    assert harbin.within(heilongjiang)
    assert heilongjiang.within(heilongjiang)
    assert not heilongjiang.within(harbin)
    assert not harbin.within(jiangsu)


def test_a_name_inside_a_longer_one_and_an_ambiguous_district(gazetteer: Gazetteer) -> None:
    found = gazetteer.find(["北京", "朝阳", "朝阳区"])  # 朝阳 is also a city in Liaoning
    names = [tuple(p.name for p in mention) for mention in found]
    assert names == [("北京市",), ("朝阳区",)]
    [beijing], [chaoyang] = found
    assert chaoyang.within(beijing)


def test_countries_and_english_spellings(gazetteer: Gazetteer) -> None:
    assert gazetteer.places("德国")[0].level == FOREIGN
    assert not gazetteer.places("中国")  # our own country is not foreign
    assert gazetteer.english["wuhan"] == "武汉"
    assert gazetteer.english["germany"] == "德国"


@pytest.mark.parametrize(
    ("name", "short"), [("黑龙江省", "黑龙江"), ("广西壮族自治区", "广西"), ("延边朝鲜族自治州", "延边朝鲜族")]
)
def test_short_names(name: str, short: str) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can a rider join the union?", "骑手 入会 ?"),
        ("Model-workers get free entry", "劳模 免门票"),
        ("My boss hasn't paid my wages", "老板 拖欠 工资"),
        ("Article 43 of the Trade Union Law", "第43条 工会法"),
        ("工会 unknownword", "工会 unknownword"),
    ],
)
def test_english_words_and_phrases_become_the_knowledges_chinese(text: str, expected: str) -> None:
    english = English(
        {
            "union": "工会",
            "join union": "入会",
            "rider": "骑手",
            "model worker": "劳模",
            "free entry": "免门票",
            "boss": "老板",
            "not paid": "拖欠",
            "wage": "工资",
            "trade union law": "工会法",
        },
        {"can", "a", "the", "my", "has", "of", "get"},
    )
    assert normalise(text, english=english) == expected
