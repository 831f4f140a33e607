"""The outdoor-worker service stations topic: the station set as compact columns and where it lives,
the directory (nearest, per need, per place) and its spatial index, distances, the staff CSV import
with its encoding detection, and their renderer. A new import is picked up while the bot runs.

Imports only `bot.core` and `bot.understanding`; never another topic.
"""
