"""The channel-neutral core of the union service bot.

One package per part of the product; `services.py` is the composition root that builds the long-lived
objects. Nothing under `bot/` imports `telegram` or `handlers`: a channel is an adapter around this
package. The import rules between the parts are held by tests/test_architecture.py.
"""
