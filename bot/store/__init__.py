"""Durable state of the bot: curated pins, the answer log and feedback, in one SQLite file."""
