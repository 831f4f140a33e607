"""Languages: negotiation, /language, Traditional conversion of knowledge, English UI, formats,
per-language command menus, and catalogs that translate every user-facing string."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from telegram.ext import Application

from bot.core.content_models import Source
from bot.core.i18n import DEFAULT_LOCALE, LANGUAGE_NAMES, LOCALES_DIR, SUPPORTED, gettext_for, negotiate, parse_choice
from bot.understanding.engine import Answer, Kind
from bot.understanding.render import format_source, render_answer
from handlers.app import register_commands
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import FakeBotAPI


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("zh-hk", "zh_Hant"),
        ("zh-tw", "zh_Hant"),
        ("zh-mo", "zh_Hant"),
        ("zh-Hant", "zh_Hant"),
        ("zh_TW", "zh_Hant"),
        ("zh-hans", "zh_Hans"),
        ("zh-cn", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("en", "en"),
        ("en-GB", "en"),
        ("ru", "zh_Hans"),
        ("", "zh_Hans"),
        (None, "zh_Hans"),
        ("!!--x", "zh_Hans"),
    ],
)
def test_negotiate(code: str | None, locale: str) -> None:
    assert negotiate(code) == locale


@pytest.mark.parametrize(
    ("raw", "locale"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("zh_Hant", "zh_Hant"),
        ("zh-tw", "zh_Hant"),
        ("繁體中文", "zh_Hant"),
        ("zh", "zh_Hans"),
    ],
)
def test_parse_choice(raw: str, locale: str) -> None:
    assert parse_choice(raw) == locale


@pytest.mark.parametrize("raw", ["", "fr", "klingon", "x" * 500, "\x00"])
def test_parse_choice_refuses_the_rest(raw: str) -> None:
    assert parse_choice(raw) is None


def test_traditional_conversion_is_phrase_level() -> None:
    # 发 is 發 in 发展 but 髮 in 头发; 里 is 裡 in 里面 but stays in 公里: a character table gets these wrong.
    assert gettext_for("zh_Hant").content("头发的发展在里面走了三公里") == "頭髮的發展在裡面走了三公里"
    assert gettext_for("zh_Hans").content("头发") == "头发"
    assert gettext_for("en").content("头发") == "头发"


@pytest.mark.parametrize(
    ("locale", "money", "when", "month", "near", "far", "count"),
    [
        ("zh_Hans", "5万元", "2021年12月24日", "2022年1月", "350米", "1.2公里", "1,234,567"),
        ("zh_Hant", "5萬元", "2021年12月24日", "2022年1月", "350 米", "1.2 公里", "1,234,567"),
        ("en", "¥50,000", "Dec 24, 2021", "Jan 2022", "350 m", "1.2 km", "1,234,567"),
    ],
)
def test_formats_follow_the_locale(
    locale: str, money: str, when: str, month: str, near: str, far: str, count: str
) -> None:
    _ = gettext_for(locale)
    assert _.money(50000) == money
    assert _.money(12.5).endswith(("12.50", "12.5元"))
    assert _.date("2021-12-24") == _.date(date(2021, 12, 24)) == when
    assert _.date("2022-01") == month
    assert _.date("2022").startswith("2022")
    assert _.distance(350.4) == near
    assert _.distance(1234) == far
    assert _.number(1234567) == count


@pytest.mark.parametrize(
    ("yuan", "zh", "en"),
    [
        (50_000, "5万元", "¥50,000"),
        (15_000, "1.5万元", "¥15,000"),
        (1_000_000, "100万元", "¥1,000,000"),
        (800, "800元", "¥800"),
        (12_345, "12,345元", "¥12,345"),
    ],
)
def test_money_is_written_the_readers_way(yuan: int, zh: str, en: str) -> None:
    assert gettext_for("zh_Hans").money(yuan) == zh
    assert gettext_for("en").money(yuan) == en


def test_sources_are_cited_in_the_readers_language() -> None:
    law = Source(publication="中华人民共和国工会法", date="2021-12-24", article=6)
    news = Source(publication="工人日报", date="2022-01", title="海口市总户外劳动者站点服务职工")
    assert format_source(law) == "中华人民共和国工会法第六条"
    assert format_source(law, gettext_for("zh_Hant")) == "中華人民共和國工會法第六條"
    assert format_source(law, gettext_for("en")) == "中华人民共和国工会法, Article 6"
    assert format_source(news, gettext_for("en")).endswith("》, Jan 2022")
    assert format_source(news) == "工人日报《海口市总户外劳动者站点服务职工》，2022年1月"


def entry(english: str | None = None) -> Answer:
    source = Source(publication="工人日报", date="2022-01")
    return Answer(
        "faq", Kind.ENTRY, 1.0, text="劳模可以免费挂号。", title="劳模看病", sources=(source,), english=english
    )


def test_english_readers_get_the_chinese_answer_with_one_english_line() -> None:
    rendered = render_answer(entry(), gettext_for("en"))
    first, rest = rendered.body.split("\n", 1)
    assert first.isascii()
    assert "Chinese" in first
    assert rest == "劳模可以免费挂号。"
    assert rendered.source_line is not None
    assert rendered.source_line.startswith("Source:")


def test_english_readers_get_the_entrys_english_text_when_it_has_one() -> None:
    rendered = render_answer(entry("Model workers register at hospitals free of charge."), gettext_for("en"))
    assert rendered.body == "Model workers register at hospitals free of charge."


def test_chinese_readers_never_see_the_english_note() -> None:
    assert render_answer(entry("x"), gettext_for("zh_Hans")).body == "劳模可以免费挂号。"
    assert render_answer(entry(), gettext_for("zh_Hant")).body == "勞模可以免費掛號。"


# -- through the bot ------------------------------------------------------------------------------


async def test_hong_kong_user_reads_traditional_ui_and_answers(chat: ChatDriver) -> None:
    [start] = texts(await chat.send("/start", language_code="zh-hk", user_id=801))
    assert "職工服務機器人" in start
    [reply] = texts(await chat.send("工会法第六条", language_code="zh-hk", user_id=801))
    assert "竭誠服務職工群眾" in reply
    assert "來源" in reply
    assert "工会" not in reply


async def test_english_user_gets_english_menus_and_a_chinese_answer_with_a_note(chat: ChatDriver) -> None:
    calls = await chat.send("/start", language_code="en", user_id=802)
    [(_, params)] = [c for c in calls if c[0] == "sendMessage"]
    assert params["text"].startswith("Hello")
    labels = [b["text"] for row in params["reply_markup"]["inline_keyboard"] for b in row]
    assert "📘 Trade Union Law" in labels
    [reply] = texts(await chat.send("工会法第六条", language_code="en", user_id=802))
    assert "only available in Chinese" in reply
    assert "竭诚服务职工群众" in reply


async def test_language_command_switches_and_remembers(chat: ChatDriver) -> None:
    calls = await chat.send("/language", user_id=803)
    buttons = [b for m, p in calls if m == "sendMessage" for row in p["reply_markup"]["inline_keyboard"] for b in row]
    assert {b["text"] for b in buttons} == set(LANGUAGE_NAMES.values())
    pressed = await chat.press("lang:en", user_id=803)
    assert pressed[0][0] == "answerCallbackQuery"
    assert "English" in texts(pressed)[0]
    [start] = texts(await chat.send("/start", language_code="zh-hans", user_id=803))
    assert start.startswith("Hello")  # the choice beats the app's language
    [switched] = texts(await chat.send("/language 繁體中文", user_id=803))
    assert "繁體中文" in switched
    assert await chat.application.bot_data["services"].preferences.locale(803) == "zh_Hant"


async def test_forged_language_button_is_refused(chat: ChatDriver) -> None:
    calls = await chat.press("lang:xx", user_id=804)
    assert calls[0][0] == "answerCallbackQuery"
    assert "失效" in texts(calls)[0]


async def test_bot_commands_are_registered_per_language(chat: ChatDriver, fake_api: FakeBotAPI) -> None:
    application: Application = chat.application
    await register_commands(application)
    menus = {params.get("language_code"): params["commands"] for params in fake_api.of("setMyCommands")}
    assert set(menus) == {None, "en"}  # Telegram scopes menus by two-letter code: zh_Hant shares the default
    assert {c["command"] for c in menus[None]} == {c["command"] for c in menus["en"]}
    assert any(c["description"] == "How to use this bot" for c in menus["en"])
    assert any(c["description"] == "使用说明" for c in menus[None])


def test_a_catalog_not_yet_compiled_is_read_from_its_po_file() -> None:
    from bot.core.i18n import _compile

    catalog = _compile(LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po")
    assert catalog.gettext("使用说明") == "How to use this bot"


# -- catalogs -------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)")


def source_messages() -> set[str]:
    """Every msgid in the code, extracted the way `make i18n` does: a string added since the
    last extraction counts too."""
    patterns = re.findall(r"^\[python:\s*(.+?)\]", (ROOT / "babel.cfg").read_text(encoding="utf-8"), re.M)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = extract_from_dir(str(ROOT), [(p, "python") for p in patterns], keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.fixture(scope="module")
def messages() -> set[str]:
    return source_messages()


@pytest.mark.parametrize("locale", [locale for locale in SUPPORTED if locale != DEFAULT_LOCALE])
def test_catalog_translates_every_user_facing_string(locale: str, messages: set[str]) -> None:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    missing = sorted(m for m in messages if not catalog.get(m) or not catalog[m].string or catalog[m].fuzzy)
    assert not missing, (
        f"{locale}: {len(missing)} strings lack a translation; run `make i18n` and translate:\n" + "\n".join(missing)
    )
    for message in messages:
        translated = catalog[message].string
        assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(message)), (locale, message)


CJK = re.compile(r"[\u4e00-\u9fff]")
TRANSLATED_BY = {"_", "N_", "gettext", "ngettext"}
# Chinese literals that match what users type or what the content says, rather than being shown.
MATCHING = {"replace", "startswith", "endswith", "removeprefix", "removesuffix", "split", "compile", "search"}
MATCHING |= {"match", "fullmatch", "sub", "Regex", "find", "count", "index"}


def untranslated_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.JoinedStr):
            parent = parents.get(parent)
        if isinstance(parent, ast.Expr | ast.Compare | ast.Set):  # docstrings; matching input
            continue
        if isinstance(parent, ast.Call):
            func = parent.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in TRANSLATED_BY | MATCHING:
                continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:40]!r}")
    return found


def test_user_facing_chinese_goes_through_gettext() -> None:
    """A Chinese literal in a handler or renderer that is not inside _() would reach an English reader as it is."""
    files = sorted((ROOT / "handlers").glob("*.py")) + sorted((ROOT / "bot").glob("*render*.py"))
    assert [hit for path in files for hit in untranslated_literals(path)] == []
