"""The shipped knowledge is complete and sourced; broken files stop start-up with one clear line."""

import json
import re
import shutil
from pathlib import Path

import pytest

from bot.core.content_loader import ContentError, load_content
from bot.core.knowledge import Knowledge
from bot.staff.subscriptions import Options
from tests.conftest import CONTENT


def test_law_has_all_58_articles_in_7_chapters(knowledge: Knowledge) -> None:
    assert len(knowledge.law.articles) == 58
    assert len(knowledge.law.chapters) == 7
    assert knowledge.law.article(6).text.startswith("维护职工合法权益、竭诚服务职工群众是工会的基本职责")


def test_every_entry_names_its_source(knowledge: Knowledge) -> None:
    for item in knowledge.entries.values():
        assert item.entry.source.publication
        assert item.entry.source.date


def test_every_station_in_the_shipped_set_is_marked_sample(knowledge: Knowledge) -> None:
    stations = knowledge.files.stations.stations
    assert stations
    assert all(s.sample and "示例" in s.name for s in stations)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_missing_field_names_file_entry_and_field(content_copy: Path) -> None:
    _edit(content_copy / "faq.json", lambda d: d["qa"][1].pop("answer"))
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    message = str(err.value)
    assert message.startswith("faq.json: entry qa[1]")
    assert "field answer" in message


def test_wrong_type_names_nested_field(content_copy: Path) -> None:
    _edit(content_copy / "stations.json", lambda d: d["stations"][0].update(lat="north"))
    with pytest.raises(ContentError, match=r"stations\.json: entry stations\[0\].*field lat"):
        load_content(content_copy)


def test_out_of_range_coordinate_is_refused(content_copy: Path) -> None:
    _edit(content_copy / "stations.json", lambda d: d["stations"][0].update(lat=123.0))
    with pytest.raises(ContentError, match="field lat"):
        load_content(content_copy)


def test_unknown_field_is_refused(content_copy: Path) -> None:
    _edit(content_copy / "loans.json", lambda d: d["programmes"][0].update(ammount=5))
    with pytest.raises(ContentError, match="field ammount"):
        load_content(content_copy)


def test_bad_date_in_source(content_copy: Path) -> None:
    _edit(content_copy / "faq.json", lambda d: d["qa"][0]["source"].update(date="一月"))
    with pytest.raises(ContentError, match=r"field source\.date"):
        load_content(content_copy)


def test_not_json_names_line(content_copy: Path) -> None:
    (content_copy / "benefits.json").write_text('{"policies": [', encoding="utf-8")
    with pytest.raises(ContentError, match=r"benefits\.json: not valid JSON \(line 1"):
        load_content(content_copy)


def test_missing_file(content_copy: Path) -> None:
    (content_copy / "lexicon.json").unlink()
    with pytest.raises(ContentError, match=r"lexicon\.json: file not found"):
        load_content(content_copy)


def test_duplicate_ids_across_files(content_copy: Path) -> None:
    law = json.loads((content_copy / "law.json").read_text(encoding="utf-8"))
    _edit(content_copy / "faq.json", lambda d: d["qa"][0].update(id=law["qa"][0]["id"]))
    with pytest.raises(ContentError, match=r"also used in law\.json"):
        load_content(content_copy)


def test_articles_out_of_order(content_copy: Path) -> None:
    _edit(content_copy / "law.json", lambda d: d["articles"].pop(3))
    with pytest.raises(ContentError, match=r"law\.json.*numbered 1\.\.N"):
        load_content(content_copy)


@pytest.mark.parametrize(
    ("file", "change", "where"),
    [
        ("loans.json", lambda d: d["programmes"][0]["eligible_groups"][1].pop("en"), r"entry programmes\[0\] \(fushun"),
        ("loans.json", lambda d: d["programmes"][1].pop("region_en"), r"entry programmes\[1\] \(national"),
        ("subscriptions.json", lambda d: d["topics"][2].pop("en"), r"entry topics\[2\] \(stations\)"),
        ("subscriptions.json", lambda d: d["cities"][0].pop("en"), r"entry cities\[0\] \(beijing\)"),
        ("benefits.json", lambda d: d["policies"][0]["eligible_honours"][0].pop("en"), r"entry policies\[0\]"),
        ("benefits.json", lambda d: d["policies"][1].pop("label_en"), r"entry policies\[1\]"),
        ("benefits.json", lambda d: d["policies"][0]["benefits"][0].pop("en"), r"entry policies\[0\]"),
    ],
)
def test_a_label_without_english_stops_start_up(content_copy: Path, file: str, change, where: str) -> None:
    _edit(content_copy / file, change)
    load = Options.load if file == "subscriptions.json" else Knowledge.load
    with pytest.raises(ContentError, match=re.escape(file) + f": {where}.*field .*en"):
        load(content_copy)


def test_a_policy_button_too_long_for_a_phone_stops_start_up(content_copy: Path) -> None:
    _edit(content_copy / "benefits.json", lambda d: d["policies"][0].update(label="黑" * 21))
    with pytest.raises(ContentError, match=r"benefits\.json: entry policies\[0\].*field label"):
        load_content(content_copy)


def test_the_faq_menu_names_only_entries_that_exist(content_copy: Path) -> None:
    _edit(content_copy / "menu.json", lambda d: d["faq"].append("no-such-entry"))
    with pytest.raises(ContentError, match=r"menu\.json: entry faq\[\d+\] \(no-such-entry\)"):
        load_content(content_copy)


def test_a_lacked_detail_must_be_one_scope_asks_about(content_copy: Path) -> None:
    _edit(content_copy / "loans.json", lambda d: d["qa"][0].update(lacks=[{"detail": "具体金頟"}]))
    with pytest.raises(ContentError, match=r"loans\.json: entry qa \([a-z0-9-]+\): field lacks\.detail: .*具体金頟"):
        load_content(content_copy)


def test_an_asked_question_must_name_an_entry_or_article_that_exists(content_copy: Path) -> None:
    _edit(
        content_copy / "asked.json", lambda d: d["asked"].append({"q": "工会法第59条", "ref": "art:59", "origin": "x"})
    )
    with pytest.raises(ContentError, match=r"asked\.json: entry asked\[\d+\]: field ref: .*art:59"):
        load_content(content_copy)
