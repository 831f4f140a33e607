"""From a worker's free text to an answer: normalisation, tokenising and BM25 ranking, the
question-answering engine, and the channel-neutral rendering of its answers.

Imports only `bot.core`. Topics plug in through the engine's resolvers and the renderer registry.
"""
