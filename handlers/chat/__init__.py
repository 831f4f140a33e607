"""A member's chat: the menu and /start, answers to free text with their buttons, edits of earlier
messages, language choice, the FAQ buttons, and the fallback for what the bot cannot read.
"""
