"""Discord: a bot reads guild channels over HTTP, writes DMs and replies (connector.py)."""
