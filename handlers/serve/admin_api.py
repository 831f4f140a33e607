"""Admin HTTP API: staff tools create announcements and follow their delivery, and reload the stations.

POST /api/announcements   {"text", "target": "all" | {"topics": [...], "cities": [...]}, "send_at"?} → 202 {"id", ...}
GET  /api/announcements?limit=50&before=<id>   → {"announcements": [...], "next": url | null}, newest first
GET  /api/announcements/{id}   → status and counts
POST /api/stations/reload → 200 {"stations": n}: answer from the set import-stations wrote, from now on
Every /api/ request needs ``Authorization: Bearer $ADMIN_API_TOKEN``. A request is
validated completely before anything is stored, so a refused one leaves nothing behind.
A notice without ``send_at`` starts at once: its recipients are frozen before the POST
answers, so the response already says ``"status": "sending"`` with the total.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.staff.announcement import AnnouncementError, Target
from bot.staff.announcements import describe
from bot.stations.columns import StationFileError
from handlers.serve.http_base import APPLICATION, SERVICES, ApiError, Handler, json_error
from handlers.staff.broadcast import schedule_announcement

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
PAGE_DEFAULT, PAGE_MAX = 50, 200
PAGE_PARAMS = frozenset({"limit", "before"})
CREATED_BY = "admin-api"  # not a chat id: delivery reports go to STAFF_CHAT_ID


class TargetBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    topics: list[str] = Field(default_factory=list, max_length=100)
    cities: list[str] = Field(default_factory=list, max_length=500)


class AnnouncementBody(BaseModel):
    """``strict``: JSON types only (no "5" for 5, no number for a time); ``send_at`` is ISO 8601."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(min_length=1)
    target: Literal["all"] | TargetBody
    send_at: datetime | None = None  # without an offset it is Asia/Shanghai time

    def to_target(self) -> Target:
        if self.target == "all":
            return Target.all()
        if not self.target.topics and not self.target.cities:
            # An empty filter would reach everyone; sending to everyone must be said explicitly.
            raise ApiError(400, "empty_target", 'target has no topics or cities; use "all" to reach every subscriber')
        return Target(tuple(self.target.topics), tuple(self.target.cities))


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse /api/ requests without the right bearer token (compared in constant time)."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    expected = request.app[SERVICES].settings.admin_api_token or ""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    ok = scheme.lower() == "bearer" and bool(expected)
    ok = hmac.compare_digest(given.strip().encode(errors="surrogateescape"), expected.encode()) and ok
    if not ok:
        log.warning("refused an admin API request from %s: %s bearer token", request.remote, "wrong" if given else "no")
        headers = {"WWW-Authenticate": 'Bearer realm="admin"'}
        return json_error(401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required", headers)
    return await handler(request)


async def read_body(request: web.Request, limit: int = MAX_BODY) -> bytes:
    """The body, refused as soon as it is known to exceed ``limit`` (never read whole into memory)."""
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "body_too_large", f"the body exceeds {limit} bytes")
    body = bytearray()
    async for chunk in request.content.iter_chunked(16 * 1024):
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "body_too_large", f"the body exceeds {limit} bytes")
    return bytes(body)


def parse_body(raw: bytes) -> AnnouncementBody:
    try:
        return AnnouncementBody.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        if any(e["type"] == "json_invalid" for e in errors):
            raise ApiError(400, "bad_json", "the body is not valid JSON") from None
        unknown = [".".join(map(str, e["loc"])) for e in errors if e["type"] == "extra_forbidden"]
        if unknown:
            raise ApiError(400, "unknown_fields", f"unknown fields: {', '.join(unknown)}", fields=unknown) from None
        problems = [{"field": ".".join(map(str, e["loc"])), "problem": e["msg"]} for e in errors]
        raise ApiError(400, "invalid_request", "the request does not match the schema", problems=problems) from None


async def create_announcement(request: web.Request) -> web.Response:
    """Validate, store and schedule an announcement; 202 because delivery happens later."""
    body = parse_body(await read_body(request))
    services = request.app[SERVICES]
    try:
        announcement = await services.announcements.create(body.text, body.to_target(), body.send_at, CREATED_BY)
    except AnnouncementError as exc:
        raise ApiError(400, exc.code, exc.message) from None
    if announcement.send_at is None:
        await services.announcements.begin(announcement.id)  # sending now: the job picks it up at once
    schedule_announcement(request.app[APPLICATION], announcement)
    log.info("announcement %s created through the admin API", announcement.id)
    location = str(request.app.router["announcement"].url_for(id=announcement.id))
    status = await services.announcements.status(announcement.id)
    return web.json_response(status, status=202, headers={"Location": location})


def page_params(request: web.Request) -> tuple[int, str | None]:
    """``?limit=`` (1 to 200, default 50) and ``?before=<id>`` (the last id of the previous page)."""
    unknown = sorted(set(request.query) - PAGE_PARAMS)
    if unknown:
        raise ApiError(400, "unknown_fields", f"unknown query parameters: {', '.join(unknown)}", fields=unknown)
    raw = request.query.get("limit", str(PAGE_DEFAULT))
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= PAGE_MAX:
        raise ApiError(400, "invalid_request", f"limit must be a whole number from 1 to {PAGE_MAX}, got {raw!r}")
    return int(raw), request.query.get("before") or None


async def list_announcements(request: web.Request) -> web.Response:
    """Announcements with their status and counts, newest first, a page at a time."""
    limit, before = page_params(request)
    try:
        page = await request.app[SERVICES].announcements.page(limit + 1, before)
    except AnnouncementError as exc:
        raise ApiError(400, "invalid_request", f"before: {exc.message}") from None
    more = len(page) > limit
    page = page[:limit]
    query = {"limit": str(limit), "before": page[-1].id} if more else None
    following = str(request.app.router["announcements"].url_for().with_query(query)) if query else None
    return web.json_response({"announcements": [describe(a) for a in page], "next": following})


async def get_announcement(request: web.Request) -> web.Response:
    try:
        return web.json_response(await request.app[SERVICES].announcements.status(request.match_info["id"]))
    except AnnouncementError as exc:
        if exc.code == "not_found":
            raise ApiError(404, "not_found", exc.message) from None
        raise ApiError(400, exc.code, exc.message) from None


async def reload_stations(request: web.Request) -> web.Response:
    """Load the imported station set in a thread (the bot keeps answering), then swap it in."""
    try:
        count = await asyncio.to_thread(request.app[SERVICES].stations.reload)
    except StationFileError as exc:
        log.error("station reload refused: %s", exc)
        raise ApiError(500, "stations_unreadable", f"{exc}; the current station set stays in use") from None
    return web.json_response({"stations": count})


def setup(app: web.Application) -> None:
    app.middlewares.append(bearer_auth)
    app.router.add_get("/api/announcements", list_announcements, name="announcements")
    app.router.add_post("/api/announcements", create_announcement, name="announcements")  # the same resource
    app.router.add_get("/api/announcements/{id}", get_announcement, name="announcement")
    app.router.add_post("/api/stations/reload", reload_stations)
