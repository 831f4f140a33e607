"""Keep a passive reply within WeChat's 2,048 bytes: cut at a sentence, keep the rest for 更多."""

from __future__ import annotations

LIMIT = 2048  # bytes of UTF-8 WeChat accepts in a passive text reply
SENTENCE_ENDS = "\n。！？；!?;"
MIN_SHARE = 0.5  # a sentence end in the first half would waste the message: cut inside the sentence instead


def fit(text: str, continuation: str, limit: int = LIMIT) -> tuple[str, str]:
    """(what to send now, what is left). A text too long for ``limit`` is cut at its last sentence end
    within the budget and ``continuation`` (e.g. “回复 更多 查看全文”) is appended."""
    if len(text.encode()) <= limit:
        return text, ""
    budget = limit - len(continuation.encode())
    head = text.encode()[:budget].decode("utf-8", errors="ignore")
    end = max(head.rfind(mark) for mark in SENTENCE_ENDS)
    cut = end + 1 if end + 1 >= len(head) * MIN_SHARE else len(head)
    return head[:cut].rstrip() + continuation, text[cut:].lstrip()
