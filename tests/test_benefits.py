"""The benefits check as a table: honour × status → reason and benefits; button data decoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.benefits.policy import OTHER, Reason, Status, check, check_choice, honour_by_key, policy_tag
from bot.benefits.render import render_check
from bot.core.content_models import Benefit, BenefitPolicy, Label, Source
from bot.core.i18n import gettext_for

SOURCE = Source(publication="工人日报", date="2022-01", title="测试报道")


def honour(name: str) -> Label:
    return Label(name=name, en=f"{name} (en)")


def policy(includes_retirees: bool | None = True, **changes: object) -> BenefitPolicy:
    fields: dict[str, object] = {
        "id": "p",
        "title": "《测试办法》",
        "label": "测试办法",
        "label_en": "Test rules",
        "region": "某系统",
        "issuer": "某工会",
        "eligible_honours": [honour("全国劳动模范"), honour("省五一劳动奖章")],
        "conditions": ["在某系统编制内"],
        "includes_retirees": includes_retirees,
        "card": "《优惠证》",
        "card_issuer": "某工会",
        "benefits": [
            Benefit(
                id="all",
                name="景区免门票",
                en="Free entry",
                detail="免门票",
                family_member="可携带一名家属",
                places=["雪乡"],
            ),
            Benefit(id="work", name="在职疗休养", en="Rest trip", detail="每年一次", applies_to="serving"),
            Benefit(id="old", name="退休慰问", en="Retiree visit", detail="春节慰问", applies_to="retired"),
        ],
        "effective": "2022-01-01",
        "source": SOURCE,
    }
    return BenefitPolicy.model_validate({**fields, **changes})


@pytest.mark.parametrize(
    ("includes_retirees", "name", "status", "reason", "benefit_ids"),
    [
        (True, "全国劳动模范", Status.SERVING, Reason.ELIGIBLE, ["all", "work"]),
        (True, "全国劳动模范", Status.RETIRED, Reason.ELIGIBLE, ["all", "old"]),
        (True, "省五一劳动奖章", Status.SERVING, Reason.ELIGIBLE, ["all", "work"]),
        (False, "全国劳动模范", Status.SERVING, Reason.ELIGIBLE, ["all", "work"]),
        (False, "全国劳动模范", Status.RETIRED, Reason.RETIREES_EXCLUDED, []),
        (True, None, Status.SERVING, Reason.HONOUR_NOT_LISTED, []),
        (True, None, None, Reason.HONOUR_NOT_LISTED, []),
        (True, "市级劳模", Status.RETIRED, Reason.HONOUR_NOT_LISTED, []),
        (False, None, Status.RETIRED, Reason.HONOUR_NOT_LISTED, []),
        (None, "全国劳动模范", Status.SERVING, Reason.ELIGIBLE, ["all", "work"]),
        (None, "全国劳动模范", Status.RETIRED, Reason.RETIREES_UNSTATED, []),
    ],
)
def test_check_table(
    includes_retirees: bool | None, name: str | None, status: Status | None, reason: Reason, benefit_ids: list[str]
) -> None:
    result = check(policy(includes_retirees), name and honour(name), status)
    assert result.reason is reason
    assert [b.id for b in result.benefits] == benefit_ids


def test_no_benefit_for_the_status_is_its_own_reason() -> None:
    only_serving = policy(
        benefits=[Benefit(id="work", name="疗休养", en="Rest", detail="每年一次", applies_to="serving")]
    )
    result = check(only_serving, honour("全国劳动模范"), Status.RETIRED)
    assert result.reason is Reason.NONE_FOR_STATUS
    assert result.benefits == ()


def test_listed_honour_without_status_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="status"):
        check(policy(), honour("全国劳动模范"), None)


def test_tag_changes_with_the_content() -> None:
    assert policy_tag(policy()) == policy_tag(policy())
    assert policy_tag(policy()) != policy_tag(policy(eligible_honours=[honour("全国劳动模范")]))
    assert len(policy_tag(policy())) <= 8


@pytest.mark.parametrize(
    ("key", "valid", "name"),
    [
        ("0", True, "全国劳动模范"),
        ("1", True, "省五一劳动奖章"),
        (OTHER, True, None),
        ("2", False, None),
        ("-1", False, None),
        ("", False, None),
        ("1.0", False, None),
        ("９", False, None),
        ("x" * 60, False, None),
    ],
)
def test_honour_keys(key: str, valid: bool, name: str | None) -> None:
    assert honour_by_key(policy(), key) == (valid, honour(name) if name else None)


@pytest.mark.parametrize(
    ("tag_ok", "key", "status", "expected"),
    [
        (True, "0", "s", Reason.ELIGIBLE),
        (True, "0", "r", Reason.ELIGIBLE),
        (True, OTHER, None, Reason.HONOUR_NOT_LISTED),
        (True, "0", None, None),  # a listed honour needs the status
        (True, "0", "z", None),  # forged status
        (True, "7", "s", None),  # honour index out of range
        (False, "0", "s", None),  # stale: content changed since the button was made
    ],
)
def test_check_choice_rejects_stale_and_forged_presses(
    tag_ok: bool, key: str, status: str | None, expected: Reason | None
) -> None:
    the_policy = policy()
    tag = policy_tag(the_policy) if tag_ok else "deadbeef"
    result = check_choice([the_policy], tag, key, status)
    assert (result.reason if result else None) == expected


def test_eligible_result_names_conditions_card_issuer_region_date_and_source() -> None:
    text = render_check(check(policy(), honour("全国劳动模范"), Status.RETIRED), gettext_for("zh_Hans")).plain()
    for fact in (
        "景区免门票",
        "可携带一名家属",
        "退休慰问",
        "在某系统编制内",
        "《优惠证》",
        "某工会",
        "某系统",
        "2022",
    ):
        assert fact in text
    assert "来源：工人日报" in text
    assert "在职疗休养" not in text  # a serving-only benefit is not offered to a retiree


def test_result_is_in_the_readers_script() -> None:
    text = render_check(check(policy(), honour("全国劳动模范"), Status.SERVING), gettext_for("zh_Hant")).plain()
    assert "景區免門票" in text


@pytest.mark.parametrize(
    ("includes_retirees", "name", "status", "must_say"),
    [
        (True, None, None, "全国劳动模范、省五一劳动奖章"),
        (False, "全国劳动模范", Status.RETIRED, "离退休"),
        (None, "全国劳动模范", Status.RETIRED, "没有写明"),
    ],
)
def test_refusals_explain_and_name_who_to_ask(
    includes_retirees: bool | None, name: str | None, status: Status | None, must_say: str
) -> None:
    text = render_check(check(policy(includes_retirees), name and honour(name), status), gettext_for("zh_Hans")).plain()
    assert must_say in text
    assert "某工会" in text
    assert "工人日报" in text


@given(tag=st.text(max_size=12), key=st.text(max_size=6), status=st.none() | st.text(max_size=3))
def test_any_button_data_is_a_check_or_none(tag: str, key: str, status: str | None) -> None:
    the_policy = policy()
    for candidate in (tag, policy_tag(the_policy)):
        result = check_choice([the_policy], candidate, key, status)
        assert result is None or result.policy == the_policy
