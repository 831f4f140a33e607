"""From a worker's free text to an answer: normalisation (script, width, numerals, Cantonese and
input slips, homophones of domain words, English), tokenising and BM25 ranking, the scope checks
(what a question names that the knowledge does not cover), the calibrated confidence that decides
between a sure answer, suggestions and an honest "not covered", the question-answering engine,
and the channel-neutral rendering of its answers.

Imports only `bot.core`. Topics plug in through the engine's resolvers and the renderer registry.
"""
