"""The WeChat official account (公众号) channel: ``/wechat`` on the same HTTP server.

``protocol`` speaks WeChat's server protocol (signatures, safe-mode AES, XML) with wechatpy;
``conversation`` turns one member message into one passive text reply over the same engine,
station directory and loan questionnaire; ``fit`` keeps a reply within WeChat's 2,048 bytes;
``server`` holds the aiohttp views. May import any ``bot`` package; never ``telegram`` or ``handlers``.
"""
