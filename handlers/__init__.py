"""The python-telegram-bot adapter: thin handlers that take the input out of an update, call the
domain in `bot/` and render the result, plus the Application factory (`app.py`).

May import `bot` and `telegram`; `bot` never imports this package.
"""
