"""The platform-neutral command core: `Core.handle(Invocation) -> Reply`."""
from bot.core.dispatcher import Core

__all__ = ["Core"]
