"""What union staff do: subscriptions, announcements and their delivery, member feedback and the
/report, hand-off of questions to a person (转人工).

Imports `bot.core` and `bot.understanding`; never a topic.
"""
