"""Adapters: each turns one platform's events into `Invocation`s and renders `Reply`s."""
