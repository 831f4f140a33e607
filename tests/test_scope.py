"""Knowing what the knowledge does not cover: other laws, places, countries, subjects, years."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.channels.ask import answer_json
from bot.core.content_loader import ContentError, load_content
from bot.core.i18n import gettext_for
from bot.understanding.engine import Engine, Kind
from bot.understanding.render import render_answer

CONTENT = Path(__file__).resolve().parent.parent / "content"


def plain(engine: Engine, text: str, locale: str = "zh_Hans") -> str:
    return render_answer(engine.answer(text), gettext_for(locale)).plain()


def assert_not_covered(engine: Engine, text: str, reason: str, name: str) -> None:
    answer = engine.answer(text)
    assert (answer.kind, answer.topic, answer.sources) == (Kind.NOT_COVERED, "unknown", ())
    assert (answer.detail, answer.data["name"]) == (reason, name)
    rendered = render_answer(answer, gettext_for("zh_Hans")).plain()
    assert "省会区号-12351" in rendered  # where to ask, every time
    assert "010-12351" in rendered
    assert "中国新闻网" in rendered  # ... with its source


@pytest.mark.parametrize(
    ("text", "law"),
    [
        ("劳动法第四十四条是啥", "劳动法"),
        ("劳动合同法第四十条讲什么", "劳动合同法"),
        ("宪法第一条是什么内容", "宪法"),
        ("中華民國勞動基準法第三十條", "劳动基准法"),
        ("香港雇佣条例第十条", "香港雇佣条例"),  # not in the list: "…条例第N条" names a law
        ("安全生产法规定了哪些安全培训", "安全生产法"),  # no article: nothing of it is held
        ("工会法跟劳动合同法哪个管得宽？劳动合同法第四十七条是怎么规定的？", "劳动合同法"),  # ours named too
    ],
)
def test_another_laws_article_is_never_answered_with_ours(engine: Engine, text: str, law: str) -> None:
    assert_not_covered(engine, text, "law", law)
    assert "工会法的全文" in plain(engine, text)


def test_our_laws_article_named_beside_another_law_is_still_ours(engine: Engine) -> None:
    assert engine.answer("工会法第二十二条和劳动合同法有什么关系").kind is Kind.ARTICLE


def test_another_laws_article_we_quote_is_answered_by_its_entry(engine: Engine) -> None:
    answer = engine.answer("劳动法第六条")
    assert (answer.kind, answer.ref) == (Kind.ENTRY, "qa:ben-law-basis")
    assert "劳动法第六条" in answer.text
    assert any(s.publication.startswith("中华人民共和国劳动法") and s.article == 6 for s in answer.sources)


def test_our_law_named_with_another_is_ours(engine: Engine) -> None:
    assert engine.answer("工会法第44条").ref == "art:44"
    assert engine.answer("工会法第一条说根据宪法制定是什么意思").kind is not Kind.NOT_COVERED


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("江苏的劳模去景区免门票吗", "江苏"),
        ("广东省劳模看病有没有绿色通道", "广东"),
        ("大连工会有无息借款吗", "大连"),
        ("哈尔滨的劳模坐公交免费吗", "哈尔滨"),  # inside 黑龙江, but the policy is the forestry system's
    ],
)
def test_a_place_the_best_entry_does_not_hold_is_said_plainly(engine: Engine, text: str, place: str) -> None:
    assert_not_covered(engine, text, "place", place)
    answer = engine.answer(text)
    assert answer.suggestions  # what we do hold, one tap away
    rendered = plain(engine, text)
    assert f"还没有{place}的" in rendered
    assert "资料里有的是" in rendered


@pytest.mark.parametrize(
    "text", ["黑龙江林业系统的劳模去景区要门票吗", "哈尔滨林业局的劳模看病挂号要钱吗", "抚顺工会无息借款谁能申请"]
)
def test_a_place_the_entry_holds_is_answered(engine: Engine, text: str) -> None:
    """Not refused for its place: answered, or (entries of one report too close to tell) offered."""
    answer = engine.answer(text)
    assert answer.kind in (Kind.ENTRY, Kind.UNSURE)
    assert answer.sources if answer.kind is Kind.ENTRY else answer.suggestions


def test_a_story_naming_the_entrys_own_place_counts_only_the_places_its_question_names(engine: Engine) -> None:
    went_home = (
        "我在东莞电子厂干了十年，去年厂子搬走我就失业了。回到老家湖北想开个小卖部，手里的钱不够。"
        "听人说工会有担保贷款，财政还给贴息。请问湖北工会这个贷款我能申请吗？"
    )
    assert engine.answer(went_home).detail != "place"
    elsewhere = (
        "我是辽宁鞍山的下岗职工，今年四十八了。看新闻说抚顺市总工会给下岗的人办无息借款，帮了好多人创业。"
        "我也想开个修车铺。我想问问，鞍山市总工会有没有一样的借款？"
    )
    assert_not_covered(engine, elsewhere, "place", "鞍山")


def test_where_someone_studied_is_not_a_place_asked_about(engine: Engine) -> None:
    studied = engine.query("报纸上说那个沈阳大学毕业的小伙子在抚顺工会借了多少钱？")
    assert [mention[0].short for mention in studied.places] == ["抚顺"]
    assert [mention[0].short for mention in engine.query("沈阳的工会能借钱吗").places] == ["沈阳"]


def test_a_place_without_stations_gets_the_map_help_and_no_sources(engine: Engine) -> None:
    answer = engine.answer("杭州哪里有工会驿站")
    assert (answer.kind, answer.sources) == (Kind.NOT_COVERED, ())
    rendered = plain(engine, "杭州哪里有工会驿站")
    assert "还没有杭州的站点" in rendered
    assert "高德" in rendered  # the national way to find one
    assert engine.answer("海口龙华区的站点").kind is Kind.STATIONS


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("日本的劳动组合和中国工会有啥区别", "日本"),
        ("How do unions in Germany negotiate wages?", "德国"),
        ("Can US workers go on strike legally?", "美国"),  # capital US is the country, not "us"
    ],
)
def test_another_country_is_not_covered(engine: Engine, text: str, place: str) -> None:
    assert_not_covered(engine, text, "foreign", place)


def test_the_article_on_foreign_unions_is_still_answered(engine: Engine) -> None:
    assert engine.answer("全国总工会和外国工会交往讲什么原则").ref == "art:9"


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("加班费按几倍算", "加班费的计算"),
        ("信用卡逾期了怎么办", "个人借贷和信用卡"),
        ("产假有多少天", "假期的天数和待遇"),
        ("腰椎间盘突出去哪家医院看最好？", "看病选医院"),  # not the forestry hospitals' free registration
        ("试用期公司能随便辞退吗", "试用期的规定"),
        ("劳动合通到期公司不续签要给补尝吗", "劳动合同到期不续签的补偿"),  # slips 合通, 补尝 folded first
    ],
)
def test_a_subject_the_sources_do_not_treat_is_not_guessed(engine: Engine, text: str, subject: str) -> None:
    assert_not_covered(engine, text, "subject", subject)


def test_a_subject_word_in_what_a_story_tells_is_not_its_question(engine: Engine) -> None:
    story = (
        "我在抚顺一家老国企干了十五年，去年厂子改制我下岗了。我们俩商量着在小区门口开个早点铺，"
        "家里积蓄不够，也不敢去借网贷。听说市总工会对下岗的人有无息借款，请问能借多少？"
    )
    answer = engine.answer(story)
    assert (answer.kind, answer.topic) == (Kind.ENTRY, "loans")
    assert_not_covered(engine, "网贷逾期了怎么办", "subject", "个人借贷和信用卡")
    # ... and its question decides, even when what it tells holds an off-topic word (下雨).
    rider = (
        "我是外卖骑手，在武汉跑了三年。前几天下雨摔了一跤，骨折了，平台说我不是他们员工，不管。"
        "我想问骑手摔伤了能不能算工伤，去哪认定，能报多少？"
    )
    assert_not_covered(engine, rider, "subject", "工伤认定和工伤待遇")


def test_slips_of_a_minority_worker_reach_the_article_on_joining(engine: Engine) -> None:
    answer = engine.answer("我是少数民组的，可以参假工会吗，会不会因为这个被拒")  # 民组, 参假
    assert (answer.topic, "不分民族" in answer.text) == ("law", True)


def test_a_subject_word_the_best_entry_is_about_is_answered(engine: Engine) -> None:
    answer = engine.answer("我老婆有房贷 还能申请创业担保贷款吗")
    assert answer.kind is Kind.ENTRY
    assert "住房贷款" in answer.text


def test_a_year_after_the_newest_source_is_not_covered(engine: Engine) -> None:
    assert_not_covered(engine, "2030年全国工会驿站有多少个", "future", "2030年")
    assert_not_covered(engine, "明年劳模疗休养去哪里", "future", "明年")  # no article answers it


def test_a_question_about_a_text_on_an_article_is_not_that_articles_look_up(engine: Engine) -> None:
    answer = engine.answer("工人日报那篇解读工会法第六条和第三十二条的文章是谁写的？")
    assert (answer.kind, answer.ref) == (Kind.ENTRY, "qa:faq-commentary-author")
    assert engine.answer("工会法第六条解读").kind is Kind.ARTICLE


def test_the_ask_contract_of_a_not_covered_answer(engine: Engine) -> None:
    result = answer_json(engine.answer("劳动法第四十四条是啥"))
    assert set(result) == {"topic", "answer", "sources", "confidence", "suggestions"}
    assert (result["topic"], result["sources"]) == ("unknown", [])
    assert "劳动法" in result["answer"]


def test_a_not_covered_reply_follows_the_readers_language(engine: Engine) -> None:
    assert "Our sources" in plain(engine, "劳动法第四十四条是啥", "en")
    assert "資料裡沒有" in plain(engine, "劳动法第四十四条是啥", "zh_Hant")


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("What does Article 43 of the Trade Union Law say about union funds?", "art:43"),
        ("Can a delivery rider join the union?", "qa:law-new-forms"),
        ("Who can apply for the Fushun union's interest-free loans?", "qa:loan-fushun-who"),
        ("公司無端端炒我魷魚 工會可唔可以幫手", "qa:law-dismissal"),  # Cantonese
    ],
)
def test_english_and_cantonese_reach_the_same_knowledge(engine: Engine, text: str, ref: str) -> None:
    answer = engine.answer(text)
    assert answer.kind in (Kind.ENTRY, Kind.ARTICLE, Kind.UNSURE)
    assert ref in (answer.ref, *(s.ref for s in answer.suggestions[:2]))  # the answer, or offered first


def test_the_hotline_is_cited_wherever_an_answer_gives_it(engine: Engine) -> None:
    answer = engine.answer("单位没有工会怎么办")
    assert "省会区号-12351" in answer.text
    assert any(s.publication == "中国新闻网" and s.date == "2023-09-28" for s in answer.sources)


def test_an_undated_source_says_so(engine: Engine) -> None:
    answer = engine.answer_ref("qa:loan-hubei")
    assert answer is not None
    assert "年份未标" in render_answer(answer, gettext_for("zh_Hans")).plain()


def test_every_article_is_reached_by_at_least_two_ways_of_asking(engine: Engine) -> None:
    law = engine.knowledge.law
    for article in law.articles:
        reached = 0
        for question in article.questions:
            answer = engine.answer(question)
            entry = engine.knowledge.entries.get((answer.ref or "").removeprefix("qa:"))
            if answer.ref == f"art:{article.number}" or (
                entry is not None and article.number in (*entry.entry.articles, entry.entry.source.article)
            ):
                reached += 1
        assert reached >= 2, f"article {article.number}: {reached} of {article.questions}"


def test_scope_naming_an_unknown_entry_stops_start_up(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    scope = json.loads((content / "scope.json").read_text(encoding="utf-8"))
    scope["regions"][0]["entries"].append("no-such-entry")
    (content / "scope.json").write_text(json.dumps(scope, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ContentError, match=r"scope\.json: entry regions \(黑龙江省林业系统\).*no-such-entry"):
        load_content(content)


def test_a_misspelt_scope_field_stops_start_up(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    scope = json.loads((content / "scope.json").read_text(encoding="utf-8"))
    scope["subjects"][0]["wrods"] = scope["subjects"][0].pop("words")
    (content / "scope.json").write_text(json.dumps(scope, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ContentError, match=r"scope\.json: entry subjects\[0\]"):
        load_content(content)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("浙江劳模有什么待遇", "浙江"),
        ("成都市总工会创业贷款怎么申请", "成都"),
        ("铁路系统的劳模去景区免门票吗", "铁路系统"),
    ],
)
def test_local_programmes_are_not_answered_by_national_ones_or_another_system(
    engine: Engine, text: str, place: str
) -> None:
    assert_not_covered(engine, text, "place", place)


def test_a_national_programme_named_with_a_place_is_answered(engine: Engine) -> None:
    answer = engine.answer("我在广州 能申请创业担保贷款吗")
    assert answer.kind in (Kind.ENTRY, Kind.UNSURE)
    assert answer.topic == "loans"
    best = answer.ranked.top if answer.kind is Kind.ENTRY and answer.ranked else answer.suggestions[0].ref
    assert best.startswith("qa:loan-guarantee")  # the answer, or the first suggestion when unsure
    assert not [s for s in answer.suggestions if s.ref.startswith("qa:loan-fushun")]  # no Fushun terms for Guangzhou


@pytest.mark.parametrize("text", ["劳动法规定每天工作几个小时", "宪法规定公民有哪些权利"])
def test_another_law_named_with_what_its_quoting_entry_does_not_hold(engine: Engine, text: str) -> None:
    assert engine.answer(text).kind is Kind.NOT_COVERED


def test_words_that_only_look_like_a_law_or_a_greeting(engine: Engine) -> None:
    assert engine.answer("公司违反劳动法律法规怎么办").kind is not Kind.NOT_COVERED  # 劳动法律 is not 劳动法
    assert engine.answer("How many union service stations are there in China?").topic == "stations"  # not "hi"


def test_a_document_cited_by_a_number_no_entry_holds_is_not_covered(engine: Engine) -> None:
    question = "财金〔2025〕135号文件里个人创业担保贷款的额度上限是多少？"
    assert_not_covered(engine, question, "subject", "财金〔2025〕135号")
    answer = engine.answer("财金[2025] 135号说了什么")  # brackets and spaces as people type them
    assert answer.data["name"] == "财金[2025]135号"
    assert answer.suggestions  # what the knowledge holds on start-up loans is still offered


def test_a_question_naming_the_law_is_answered_from_the_law(engine: Engine) -> None:
    """ "执行" would match when the forestry benefits take effect as well as when the law does."""
    answer = engine.answer("现在的工会法是从哪天开始执行的？")
    assert answer.topic == "law"
    assert (answer.ranked.top if answer.ranked else "") == "qa:faq-law-effective"


def test_an_off_topic_word_in_a_story_does_not_refuse_its_question(engine: Engine) -> None:
    story = (
        "我在贵阳云岩区扫大街，以前夏天热得要命也没地方躲，下雨只能站在屋檐下，想洗个澡都得等回家。"
        "后来局里工会建了休息室。云岩区这种环卫工休息室一共建了多少座？"
    )
    answer = engine.answer(story)
    assert answer.kind is Kind.ENTRY
    assert "25座" in answer.text
    assert engine.answer("明天下雨吗").kind is Kind.OFF_TOPIC  # alone, the same word is off-topic


def test_an_off_topic_word_naming_where_the_asker_works_does_not_refuse_the_question(engine: Engine) -> None:
    answer = engine.answer("我是回族，在饭店打工，也能加入工会吗")
    assert (answer.kind in (Kind.ENTRY, Kind.ARTICLE), answer.topic) == (True, "law")
    assert "不分民族" in answer.text  # art. 3
    assert engine.answer("附近有什么好吃的饭店").kind is Kind.OFF_TOPIC


def test_a_year_the_best_answer_never_mentions_is_not_answered_with_another_years_figures(engine: Engine) -> None:
    assert_not_covered(engine, "2025年全国劳模疗休养安排在哪些地方？", "year", "2025年")
    assert "别的年份" in plain(engine, "2025年全国劳模疗休养安排在哪些地方？")
    # （《工人日报》2022年1月） dates the report, not the 2021 figures it gives
    answer_2021 = "2021年，江苏省总工会购买社会组织服务职工项目217个（《工人日报》2022年1月）。"
    assert engine.scope.unmentioned_year("江苏省总2022年购买了多少个项目", answer_2021) == "2022年"
    assert engine.scope.unmentioned_year("江苏省总2021年购买了多少个项目", answer_2021) is None
    answer = engine.answer("2024年劳模疗休养去了多少个地方？跟2023年比有啥变化？")  # one of the years is held
    assert answer.kind is not Kind.NOT_COVERED


def test_an_answer_about_the_year_asked_outranks_one_citing_a_report_of_that_year(engine: Engine) -> None:
    history = "据中新网2024年6月13日报道，2000年以来累计组织约6.7万人次。2019年组织5000名劳模。"
    of_2024 = "2024年6至11月分53批组织4600名劳模工匠。"
    hits = [history, of_2024]

    def ranked(question: str) -> list[str]:
        return engine.scope.dated_first(question, hits, lambda text: text, 5)

    assert ranked("2024年全国劳模疗休养组织了多少人？") == [of_2024, history]
    assert ranked("到2024年累计组织了多少人次？") == hits  # the running total the 2024 report dates
    assert ranked("2019年组织了多少劳模") == hits


def test_a_question_about_joining_is_the_laws_whatever_the_employment_form(engine: Engine) -> None:
    """劳务派遣 is a subject the sources do not treat, but whether a dispatched worker may join is in art. 3."""
    assert engine.answer("劳务派遣工的工资标准是多少").detail == "subject"
    assert engine.answer("人事说劳务派遣的不能入工会，是真的吗").detail != "subject"
