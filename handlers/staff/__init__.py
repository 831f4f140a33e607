"""Staff and member-service handlers: /announce and the broadcast job, subscriptions, feedback and
/report, hand-off (转人工), and who counts as staff.
"""
