"""Channels other than Telegram that drive the same engine: the console chat, the `ask` CLI and the
staff station import. Each is a thin adapter: read the input, call the domain, print.

May import any `bot` package and `bot.services`; never `telegram` or `handlers`.
"""
