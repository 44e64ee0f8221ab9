"""adapters/discord"""
