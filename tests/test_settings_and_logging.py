import logging
from pathlib import Path

import pytest

from bot.core.logging_setup import SecretFilter
from bot.core.settings import Settings, SettingsError


def test_from_env_reads_every_variable(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "BOT_TOKEN": "1:abc",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "ADMIN_IDS": "1, 2;3",
            "DATA_DIR": str(tmp_path),
            "HTTP_PORT": "9000",
            "STAFF_CHAT_ID": "-100123",
        }
    )
    assert settings.bot_token == "1:abc"
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.admin_ids == {1, 2, 3}
    assert settings.data_dir == tmp_path
    assert settings.http_port == 9000
    assert settings.staff_chat_id == -100123


@pytest.mark.parametrize(("name", "value"), [("ADMIN_IDS", "alice"), ("HTTP_PORT", "eighty"), ("BROADCAST_RATE", "-1")])
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_repr_hides_secrets() -> None:
    settings = Settings(bot_token="1:SECRET", admin_api_token="ADMINSECRET")
    assert "SECRET" not in repr(settings)


def test_secret_filter_scrubs_message_args_and_traceback() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "GET %s", ("https://x/bot1:SECRET/getMe",), None)
    try:
        raise RuntimeError("token 1:SECRET leaked")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    SecretFilter(["1:SECRET"]).filter(record)
    text = logging.Formatter().format(record)
    assert "1:SECRET" not in text
    assert "***" in text
