"""Sound-alike slips of domain words are folded; real words and function characters are not."""

import jieba

from bot.understanding.homophones import Homophones

_cut = jieba.Tokenizer()


def cut(text: str) -> list[str]:
    return _cut.lcut(text, HMM=False)


def test_slips_that_sound_like_domain_words_are_folded() -> None:
    folding = Homophones(["经费", "抚顺", "无息", "热线"], ["的", "没"])
    assert folding.correct("工会经废公司不交", cut) == "工会经费公司不交"
    assert folding.correct("扶顺工会无吸借款", cut) == "抚顺工会无息借款"
    assert folding.correct("工会热县号码多少", cut) == "工会热线号码多少"


def test_real_words_and_function_characters_stay() -> None:
    folding = Homophones(["高德", "没签", "职工"], ["的", "没"])
    assert folding.correct("这是哪年开始搞的", cut) == "这是哪年开始搞的"  # 搞的 sounds like 高德
    assert folding.correct("老板说没钱", cut) == "老板说没钱"
    assert folding.correct("我只工作半天", cut) == "我只工作半天"  # 只工 is inside 工作


def test_text_without_chinese_is_unchanged() -> None:
    assert Homophones(["经费"]).correct("hello 12351", cut) == "hello 12351"
