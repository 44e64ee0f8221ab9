"""Community answer bot for podcast archives."""

__version__ = "0.1.0"
