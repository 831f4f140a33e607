"""The character-pair search: a second ranking that needs no dictionary, fused with the word search."""

from __future__ import annotations

from bot.understanding.characters import CharacterIndex, bigrams, fuse
from bot.understanding.search import Hit


def test_bigrams_cover_each_run_of_chinese_and_skip_latin_and_digits() -> None:
    assert bigrams("工会法 12 abc 近亲属") == ["工会", "会法", "近亲", "亲属"]
    assert bigrams("会") == []


def test_questions_outweigh_the_text_and_a_slip_still_finds_its_entry() -> None:
    index = CharacterIndex(
        [("工会经费的来源", ["经费从哪来"]), ("近亲属不得作为工会委员", ["老板亲戚当委员"])], boost=3
    )
    opinion = index.opinion("老板的亲戚能当工会委员吗")
    assert opinion.ranks[1] == 0
    rank, score, coverage = opinion.of(1)
    assert rank == 1.0
    assert score == 1.0
    assert 0 < coverage < 1
    assert opinion.of(0)[0] == 0.5  # placed second
    assert index.opinion("公会经废从哪来").ranks[0] == 0  # 经废: the word search's cut fails, pairs still meet
    assert index.opinion("abc").of(0) == (0.0, 0.0, 0.0)  # no Chinese: no opinion


def test_fusion_lifts_an_entry_both_searches_rank_high() -> None:
    hits = [Hit(0, 3.0, 0.5), Hit(1, 2.9, 0.5), Hit(2, 1.0, 0.2)]
    fused = fuse(hits, {1: 0, 2: 1})
    assert [h.index for h in fused] == [1, 2, 0]  # 0 is not among the character search's best
    assert fuse(hits, {}) == hits  # no second opinion: the word order stands
