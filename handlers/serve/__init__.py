"""How the bot runs: the runner (polling or webhook), the aiohttp server with the webhook and the
admin API, and persistence of python-telegram-bot's state in the store.
"""
