import pytest

from bot.core.chinese import chinese_to_int, int_to_chinese
from bot.understanding.normalise import MAX_QUERY_CHARS, Slips, has_meaningful_text, normalise

SLIPS = Slips(
    {"公会": "工会", "劳摸": "劳模", "人工": "工资", "人工智能": "人工智能", "帮手": "帮忙", "帮手机": "帮手机"}
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("工会法第三十二条", "工会法第32条"),
        ("第六条讲什么", "第6条讲什么"),
        ("第十条", "第10条"),
        ("工会法六条", "工会法6条"),
        ("第五十八条", "第58条"),
        ("工會法第六條講什麼", "工会法第6条讲什么"),
        ("勞模待遇", "劳模待遇"),
        ("ＡＢＣ　１２３", "abc 123"),
        ("公会法第6条", "工会法第6条"),
        ("劳摸看病", "劳模看病"),
        ("  多个   空格  ", "多个 空格"),
        ("控制\x00字符\x1b", "控制字符"),
        ("热线幺二三五幺打不通", "热线12351打不通"),  # a number read out digit by digit
        ("一二三四五", "一二三四五"),  # no 幺: not necessarily a number
        ("幺儿", "幺儿"),  # too short to be one
        ("老板扣人工", "老板扣工资"),  # Cantonese 人工 is wages…
        ("人工智能客服", "人工智能客服"),  # …but not inside 人工智能, which a longer slip keeps whole
        ("驿站可以帮手机充电吗 叫人帮手", "驿站可以帮手机充电吗 叫人帮忙"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw, SLIPS) == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十二", 32),
        ("一百零五", 105),
        ("两", 2),
        ("abc", None),
        ("", None),
    ],
)
def test_chinese_to_int(text: str, number: int | None) -> None:
    assert chinese_to_int(text) == number


@pytest.mark.parametrize("number", [1, 9, 10, 11, 19, 20, 23, 32, 58, 100, 101, 110, 999, 1001])
def test_int_to_chinese_round_trips(number: int) -> None:
    assert chinese_to_int(int_to_chinese(number)) == number


def test_long_input_is_cut() -> None:
    assert len(normalise("工" * 10_000)) == MAX_QUERY_CHARS


@pytest.mark.parametrize(
    ("text", "meaningful"), [("😀😀", False), ("？！。", False), ("", False), ("劳模", True), ("12351", True)]
)
def test_meaningful(text: str, meaningful: bool) -> None:
    assert has_meaningful_text(text) is meaningful
