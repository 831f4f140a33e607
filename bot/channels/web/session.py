"""Signed session cookies and the CSRF token derived from them.

The cookie holds only a random session id and its HMAC; the conversation itself stays on the
server (``state``). The CSRF token is a second HMAC of the same id, given to the page and sent
back in a header with every POST: another site can neither read it nor make a browser send a
custom header cross-origin. The key comes from ``WEB_SESSION_SECRET`` or, without it, a random key
kept in ``DATA_DIR`` (mode 0600), so sessions outlive a restart. It never reaches a page or a log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

COOKIE = "wc_session"
KEY_FILE = "web-session.key"
COOKIE_MAX_AGE = 30 * 86_400  # a month: a worker comes back to the same conversation


def _mac(key: bytes, purpose: str, session_id: str) -> str:
    digest = hmac.new(key, f"{purpose}:{session_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


class Sessions:
    """Issues and checks session cookies and CSRF tokens with one secret key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the session key must have at least 16 bytes")
        self._key = key

    def __repr__(self) -> str:
        return "Sessions(<key hidden>)"

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(18)

    def cookie(self, session_id: str) -> str:
        return f"{session_id}.{_mac(self._key, 'session', session_id)}"

    def verify(self, cookie: str | None) -> str | None:
        """The session id of a cookie we signed; None for a missing, forged or malformed one."""
        if not cookie or len(cookie) > 100:
            return None
        session_id, _, mac = cookie.partition(".")
        if not session_id or not hmac.compare_digest(mac.encode(), _mac(self._key, "session", session_id).encode()):
            return None
        return session_id

    def csrf_token(self, session_id: str) -> str:
        return _mac(self._key, "csrf", session_id)

    def csrf_ok(self, session_id: str, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.csrf_token(session_id).encode())


def session_key(data_dir: Path, configured: str | None) -> bytes:
    """``WEB_SESSION_SECRET`` when set, else the key file in ``data_dir`` (created on first use)."""
    if configured:
        return hashlib.sha256(configured.encode()).digest()
    path = Path(data_dir) / KEY_FILE
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex())
    return key
