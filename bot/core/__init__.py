"""The platform-neutral command core: `Core.handle(Invocation) -> Reply`."""
from .core import Core

__all__ = ["Core"]
