"""WeChat's settings, read from the environment: the token, and for safe mode the app id and AES key."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field


class WeChatConfigError(ValueError):
    """A WeChat variable is malformed; the message names it (never its value)."""


@dataclass(frozen=True)
class WeChatConfig:
    """``WECHAT_TOKEN`` turns the channel on; ``WECHAT_APP_ID`` with ``WECHAT_AES_KEY`` turn on safe mode.

    Secrets stay out of ``repr`` so that logging the config leaks nothing.
    """

    token: str = field(repr=False)
    app_id: str | None = None
    aes_key: str | None = field(default=None, repr=False)  # EncodingAESKey: 43 characters of base64

    @property
    def safe_mode(self) -> bool:
        return self.app_id is not None and self.aes_key is not None

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.token, self.aes_key) if s)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WeChatConfig | None:
        """The configuration, or None when ``WECHAT_TOKEN`` is unset (the channel is off)."""
        env = os.environ if env is None else env
        token = env.get("WECHAT_TOKEN") or None
        if token is None:
            return None
        app_id, aes_key = env.get("WECHAT_APP_ID") or None, env.get("WECHAT_AES_KEY") or None
        if (app_id is None) != (aes_key is None):
            raise WeChatConfigError("safe mode needs both WECHAT_APP_ID and WECHAT_AES_KEY")
        if aes_key is not None and not _valid_aes_key(aes_key):
            raise WeChatConfigError("WECHAT_AES_KEY must be the 43-character EncodingAESKey")
        return cls(token, app_id, aes_key)


def _valid_aes_key(key: str) -> bool:
    try:
        return len(key) == 43 and len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def channel_secrets(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Values the log must never show: the WeChat token and AES key, and the web session secret."""
    env = os.environ if env is None else env
    names = ("WECHAT_TOKEN", "WECHAT_AES_KEY", "WEB_SESSION_SECRET")
    return tuple(value for name in names if (value := env.get(name)))
