"""Thin Telegram adapters: parse the update, call the domain in ``bot/``, render the reply."""
