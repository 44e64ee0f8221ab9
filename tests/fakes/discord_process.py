"""`python -m tests.fakes.discord_process REST_BASE GATEWAY_URL [ARGS...]`: the Discord
service exactly as `python -m bot discord ARGS` runs it, in its own process, with
discord.py's two base URLs pointed at a fake Discord (the same two seams as
`fake_discord.running_fake`, which a separate process cannot monkeypatch)."""
from __future__ import annotations

import sys

import discord
import yarl

from bot.app.cli import main


def run(argv: list[str]) -> int:
    rest, gateway, *args = argv
    discord.http.Route.BASE = rest
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    return main(["discord", *args])


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
