"""Channels other than Telegram: the console chat and the ``ask`` command line."""
