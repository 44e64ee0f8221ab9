"""An episode's video id, read from the links its front matter declares.

Episode links are always built from the id (`bot.weblinks.youtube_link`), never copied
from the file. `ids.youtube` must be a YouTube video id; when it is not (the real archive
has `NfAJAr7FvyY&t`), the video `links.youtube` points at is used. A value that is no
id or no YouTube link is dropped and noted, so the loader warns once for the file, and
the episode still loads (without a link when neither gives an id).
"""
from __future__ import annotations

from bot.retrieval.values import Fields, link_id, web_url
from bot.weblinks import youtube_video_id


def video_id(fields: Fields) -> str | None:
    declared = fields.mapping("ids").get("youtube", link_id)
    if declared:
        return declared
    links = fields.mapping("links")
    link = links.get("youtube", web_url)
    found = youtube_video_id(link) if link else None
    if link and not found:
        links.note("youtube", "not a link to a YouTube video; the episode has no link")
    return found
