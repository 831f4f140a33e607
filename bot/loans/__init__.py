"""The union start-up loan topic: the channel-neutral questionnaire, the amount parser and the
verdict renderer.

Imports only `bot.core` and `bot.understanding`; never another topic.
"""
