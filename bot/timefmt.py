"""Seconds as people read them in a player: 48:52, 1:02:03."""


def player_time(sec: int | None) -> str:
    if sec is None:
        return ""
    sec = int(sec)
    hours, rest = divmod(sec, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
