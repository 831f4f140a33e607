"""The mobile web chat: an aiohttp app (page at ``/``, JSON at ``/chat/*``) over the same engine.

A thin adapter like the console: a request is read (``views``), one conversation step is run
(``conversation`` with its flows ``flows``), and the step's messages are returned as plain JSON
(``messages``) that the page (``static/``) shows as text, never as HTML. Sessions are signed
cookies (``session``); every piece of conversation state goes through ``state``. May import any
``bot`` package; never ``telegram`` or ``handlers`` (``handlers/serve`` mounts it beside the bot).
"""
