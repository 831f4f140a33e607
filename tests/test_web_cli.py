"""``run_bot.py web``: serves the chat on HTTP_HOST:HTTP_PORT, prints the URL, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_web(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    child_env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "HTTP_PORT": "0", **env}
    child_env.pop("BOT_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "run_bot.py"), "web"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env,
        text=True,
    )


def test_web_prints_the_url_serves_the_page_and_stops_cleanly(tmp_path: Path) -> None:
    child = run_web(tmp_path, WECHAT_TOKEN="cli-secret-token", LOG_LEVEL="DEBUG")
    with child:
        try:
            line = child.stdout.readline()  # type: ignore[union-attr]
            assert line.startswith("网页聊天 / web chat: http://127.0.0.1:")
            url = line.split(": ", 1)[1].strip()
            with urllib.request.urlopen(url, timeout=10) as resp:
                assert resp.status == 200
                assert 'name="q"' in resp.read().decode()
            child.send_signal(signal.SIGTERM)
            _, log = child.communicate(timeout=20)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == 0
    assert "/wechat" in log
    assert "cli-secret-token" not in log


def test_a_half_configured_safe_mode_stops_start_up_naming_the_variables(tmp_path: Path) -> None:
    child = run_web(tmp_path, WECHAT_TOKEN="t", WECHAT_APP_ID="wx123")
    _, err = child.communicate(timeout=60)
    assert child.returncode == 2
    assert "WECHAT_APP_ID and WECHAT_AES_KEY" in err
