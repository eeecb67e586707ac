"""A lesson's video: an address from YouTube, Vimeo, Loom or Wistia turned into the player's
embed address, so nothing but these hosts' players is ever framed in the portal.

Staff paste whatever the site's Share button gives them; the embed address is rebuilt from
the video id alone (nothing else of the pasted address reaches the page). YouTube plays from
youtube-nocookie.com and Vimeo with `dnt=1`, so watching sets no tracking cookies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from portal.core.errors import UserError

ALLOWED_HOSTS_TEXT = "YouTube, Vimeo, Loom or Wistia"

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
_VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
_LOOM_ID = re.compile(r"^[0-9a-f]{32}$")
_WISTIA_ID = re.compile(r"^[a-z0-9]{10}$")


@dataclass(frozen=True, slots=True)
class VideoEmbed:
    provider: str
    src: str
    # The player's origin, for the lesson page's `frame-src`.
    origin: str


def _youtube(host: str, parts: list[str], query: dict[str, list[str]]) -> str | None:
    if host == "youtu.be":
        return parts[0] if parts else None
    if host in {"youtube.com", "m.youtube.com", "youtube-nocookie.com"}:
        if parts == ["watch"]:
            return (query.get("v") or [""])[0]
        if len(parts) >= 2 and parts[0] in {"embed", "shorts", "live", "v"}:
            return parts[1]
    return None


def _vimeo(host: str, parts: list[str], query: dict[str, list[str]]) -> tuple[str, str] | None:
    if host == "player.vimeo.com" and len(parts) >= 2 and parts[0] == "video":
        return parts[1], (query.get("h") or [""])[0]
    if host == "vimeo.com" and parts:
        return parts[0], parts[1] if len(parts) > 1 else ""
    return None


def video_embed(url: str) -> VideoEmbed | None:
    """The embed for a video address from an allowed host, None for anything else."""
    try:
        parts_of = urlsplit(url.strip())
    except ValueError:
        return None
    if parts_of.scheme not in {"http", "https"} or parts_of.username or parts_of.port:
        return None
    host = (parts_of.hostname or "").lower().removeprefix("www.")
    parts = [p for p in parts_of.path.split("/") if p]
    query = parse_qs(parts_of.query)
    youtube = _youtube(host, parts, query)
    if youtube is not None:
        if not _YOUTUBE_ID.match(youtube):
            return None
        origin = "https://www.youtube-nocookie.com"
        return VideoEmbed("YouTube", f"{origin}/embed/{youtube}?rel=0", origin)
    vimeo = _vimeo(host, parts, query)
    if vimeo is not None:
        video_id, secret = vimeo
        if not _VIMEO_ID.match(video_id) or (secret and not _VIMEO_HASH.match(secret)):
            return None
        origin = "https://player.vimeo.com"
        hash_part = f"h={secret}&" if secret else ""
        return VideoEmbed("Vimeo", f"{origin}/video/{video_id}?{hash_part}dnt=1", origin)
    if host == "loom.com" and len(parts) == 2 and parts[0] in {"share", "embed"}:
        if not _LOOM_ID.match(parts[1]):
            return None
        origin = "https://www.loom.com"
        return VideoEmbed("Loom", f"{origin}/embed/{parts[1]}", origin)
    if host == "fast.wistia.net" and len(parts) == 3 and parts[:2] == ["embed", "iframe"]:
        wistia = parts[2]
    elif host.endswith(".wistia.com") and len(parts) == 2 and parts[0] == "medias":
        wistia = parts[1]
    else:
        return None
    if not _WISTIA_ID.match(wistia):
        return None
    origin = "https://fast.wistia.net"
    return VideoEmbed("Wistia", f"{origin}/embed/iframe/{wistia}", origin)


def checked_video_url(raw: str | None) -> str:
    """The pasted address, trimmed, if it plays from an allowed host ("" for none)."""
    url = (raw or "").strip()
    if not url:
        return ""
    if len(url) > 500 or video_embed(url) is None:
        raise UserError(
            f"Videos can come from {ALLOWED_HOSTS_TEXT}. Paste the video's address from "
            "one of them (for example https://www.youtube.com/watch?v=…).",
            "video_url",
        )
    return url
