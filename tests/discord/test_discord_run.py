"""`python -m bot discord --sync`: explicit command registration, and the entry's errors."""
from __future__ import annotations

import asyncio
import sys
import threading

import discord
import pytest
from tests.fakes.fake_discord import APP_ID, GUILD_ID, FakeDiscord

from bot.app import cli
from bot.adapters.discord import service as discord_run
from bot.adapters.discord.commands import PIN_AS_ANSWER
from bot.command_table import COMMAND_NAMES, command
from bot.errors import UserError

EXPECTED = COMMAND_NAMES | {PIN_AS_ANSWER}


def registered(body: list[dict]) -> dict[str, dict]:
    return {c["name"]: c for c in body}


async def test_sync_registers_every_command_globally(fake, settings):
    names = await discord_run.sync_commands(discord_run.build_client(None, settings.discord_moderator_roles), "token")
    put = await fake.wait_for_request("PUT", rf"/applications/{APP_ID}/commands")
    commands = registered(put.body)
    assert set(names) == set(commands) == EXPECTED
    assert commands["ask"]["description"] == command("ask").description
    assert commands[PIN_AS_ANSWER]["type"] == 3                       # a message context menu
    assert int(commands["pin"]["default_member_permissions"]) == 1 << 51  # Pin Messages: a UI hint
    assert [o["name"] for o in commands["episode"]["options"]] == ["query"]
    assert commands["episode"]["options"][0]["autocomplete"] is True
    assert not fake.find("GET", r"/gateway.*")                        # REST only, no gateway session


async def test_sync_to_one_server(fake, settings):
    await discord_run.sync_commands(discord_run.build_client(None, settings.discord_moderator_roles), "token", GUILD_ID)
    put = await fake.wait_for_request("PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    assert set(registered(put.body)) == EXPECTED


def test_cli_sync_runs_end_to_end_and_logs_to_stdout(monkeypatch, capsys):
    server, loop = _fake_in_thread()
    try:
        monkeypatch.setattr(discord.http.Route, "BASE", server.rest_base)
        monkeypatch.setenv("DISCORD_TOKEN", "a-test-token-0123456789")
        streams = []
        assert cli.main(["discord", "--sync", "--guild", str(GUILD_ID)], dotenv=None,
                        setup_logging=lambda **kw: streams.append(kw["stream"])) == 0
        assert [s.stream for s in streams] == [sys.stdout]  # through bot.printable
        out = capsys.readouterr().out
        assert out.startswith(f"registered {len(EXPECTED)} commands for server {GUILD_ID}")
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)


def test_cli_without_a_token_says_what_is_missing(monkeypatch, capsys):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert cli.main(["discord"], dotenv=None, setup_logging=lambda **kw: None) == 2  # no developer's .env
    assert "DISCORD_TOKEN" in capsys.readouterr().err


def test_guild_only_goes_with_sync(capsys):
    assert cli.main(["discord", "--guild", "5"], dotenv=None, setup_logging=lambda **kw: None) == 2
    assert "--guild goes with --sync" in capsys.readouterr().err


async def test_a_rejected_token_is_a_clear_error(fake, settings):
    fake.failures[("GET", "/users/@me")] = (401, {"message": "401: Unauthorized", "code": 0})
    with pytest.raises(UserError, match="Discord rejected DISCORD_TOKEN"):
        await discord_run.sync_commands(discord_run.build_client(None, settings.discord_moderator_roles), "wrong")
    assert not fake.find("PUT", r".*/commands")


def _fake_in_thread() -> tuple[FakeDiscord, asyncio.AbstractEventLoop]:
    """A fake Discord on its own loop, for code that calls asyncio.run itself (the CLI)."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def start() -> FakeDiscord:
        server = FakeDiscord()
        await server.start()
        return server
    return asyncio.run_coroutine_threadsafe(start(), loop).result(5), loop


async def test_clear_removes_one_servers_commands_and_leaves_the_global_ones(fake, settings):
    """The README's "server first, then global": clearing the server afterwards means it
    doesn't list every command twice."""
    await discord_run.clear_commands(discord_run.build_client(None, settings.discord_moderator_roles), "token",
                                     GUILD_ID)
    put = await fake.wait_for_request("PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    assert put.body == []
    assert not fake.find("PUT", rf"/applications/{APP_ID}/commands")


def test_clear_and_sync_go_alone(capsys):
    assert cli.main(["discord", "--sync", "--clear"], dotenv=None, setup_logging=lambda **kw: None) == 2
    assert "--sync or --clear" in capsys.readouterr().err
