"""The outdoor-worker service stations topic: the directory and its spatial index, distances, the
staff CSV import, and their renderer.

Imports only `bot.core` and `bot.understanding`; never another topic.
"""
