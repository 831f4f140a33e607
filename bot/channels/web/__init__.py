"""The mobile web chat: an aiohttp app (page at ``/``, JSON at ``/chat/*``) over the same engine.

A thin adapter like the console: a request is checked (``app``: session, CSRF, ``limits``), one
conversation step is run (``conversation``, with the flows ``topics``, ``loans``, ``benefits`` and
``handoff``), and the step's messages go back as plain JSON (``messages``) that the page
(``static/``, its words from ``ui``) shows as text, never as HTML. Sessions are signed cookies
(``session``); every piece of conversation state goes through ``state``; ``server`` builds and runs it. May import any
``bot`` package; never ``telegram`` or ``handlers`` (``handlers/serve`` mounts it beside the bot).
"""
