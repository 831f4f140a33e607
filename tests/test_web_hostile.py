"""Any body a client can send: the web chat's action parser and WeChat's reader refuse cleanly, never raise."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.web.conversation import ACTIONS, parse_action
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.protocol import Codec, Envelope, ProtocolError

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from([*ACTIONS, "message", "x"]), inner),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_is_one_action_or_refused(raw: object) -> None:
    action = parse_action(raw)
    assert action is None or action.kind in ACTIONS
    if action is not None:
        json.dumps(action.value)  # what goes on is plain data


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode), st.booleans())
def test_any_body_is_a_message_or_a_protocol_error(body: bytes, safe: bool) -> None:
    key = "a" * 43
    codec = Codec(WeChatConfig("t", "wxapp", key) if safe else WeChatConfig("t"))
    try:
        codec.read(body, Envelope("s", "1", "2", "sig", encrypted=safe))
    except ProtocolError as error:
        status = error.status
    else:
        status = 200  # a well-formed plaintext message
    assert status in (200, 400, 403)
    assert not (safe and status == 200)  # nothing unencrypted, nothing unsigned gets through in safe mode
