"""What keeps the bot from being flooded or misused: per-user flood control, which chats and updates
are answered, the webhook secret.

Imports only `bot.core`.
"""
