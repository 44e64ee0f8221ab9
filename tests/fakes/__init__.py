"""Test doubles and builders shared by every test folder: fake Slack and Discord servers, git fixtures,
knowledge files, the store on both engines (a real PostgreSQL), legacy data, Slack replicas."""
