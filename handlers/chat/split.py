"""Long texts as several Telegram messages: each part under the limit, cut where a reader would cut."""

from __future__ import annotations

MAX_MESSAGE = 4096  # characters of one Telegram message


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split on paragraph, then line boundaries so that no part exceeds ``limit``.

    Splitting happens on the escaped HTML, only at newlines (never inside a tag, as
    tags here never span lines); an over-long line is cut hard as a last resort.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            cut = limit
            amp = line.rfind("&", limit - 8, limit)
            if amp != -1 and ";" not in line[amp:limit]:
                cut = amp  # never cut inside an HTML entity such as &amp;
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts or [""]
