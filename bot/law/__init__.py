"""The Trade Union Law topic: article and chapter look-up and its renderer.

Imports only `bot.core` and `bot.understanding`; never another topic.
"""
