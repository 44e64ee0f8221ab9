"""An episode's metadata beside its transcript: `STEM.yaml` (or `.yml`), or the front
matter of `STEM.md`, with the keys of the DataTalks.Club format where they exist:

    title, short, season, episode, date (or dateadded, released), guests, topics,
    description, duration, url (or link: the episode's web page),
    audio (or enclosure: the audio or video file), youtube (an id or a link; or ids.youtube)

Every value goes through values.py like front matter does; `Fields` reads them."""
from __future__ import annotations

from bot.retrieval.frontmatter import FrontMatterError, is_template, parse_front_matter, split_front_matter
from bot.retrieval.source_links import video_id
from bot.retrieval.values import Fields, iso_date, link_id, web_url
from bot.weblinks import is_youtube_id, youtube_video_id

MARKDOWN = (".md", ".markdown")


def read_sidecar(name: str, source: str) -> dict:
    """The metadata mapping; FrontMatterError when the file can't be read as metadata."""
    yaml_text = source
    if name.lower().endswith(MARKDOWN):
        yaml_text, _ = split_front_matter(source)
        if yaml_text is None:
            return {}
    if is_template(yaml_text):
        raise FrontMatterError("template with {{ }} placeholders, not metadata")
    return parse_front_matter(yaml_text)


def released(meta: Fields) -> str | None:
    return meta.get("date", iso_date) or meta.get("dateadded", iso_date) or meta.get("released", iso_date)


def page_url(meta: Fields) -> str | None:
    return meta.get("url", web_url) or meta.get("link", web_url)


def audio_url(meta: Fields) -> str | None:
    return meta.get("audio", web_url) or meta.get("enclosure", web_url)


def youtube_id(meta: Fields) -> str | None:
    """`youtube: ID` or `youtube: LINK`, else the DataTalks.Club `ids.youtube`/`links.youtube`."""
    value = meta.data.get("youtube")
    if isinstance(value, str) and not is_youtube_id(value.strip()) and value.strip().startswith("http"):
        link = meta.get("youtube", web_url)
        found = youtube_video_id(link) if link else None
        if link and not found:
            meta.note("youtube", "not a link to a YouTube video")
        return found
    return meta.get("youtube", link_id) or video_id(meta)
