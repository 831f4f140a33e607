"""The union start-up loan topic: the channel-neutral questionnaire, the eligibility rules, the amount
parser, the place check for typed cities, telling a question from an answer at a step, and the
verdict renderer.

Imports only `bot.core` and `bot.understanding`; never another topic.
"""
