"""The model-worker benefits topic: the eligibility check, answers about places and benefits no
curated entry names, and their renderer.

Imports only `bot.core` and `bot.understanding`; never another topic.
"""
