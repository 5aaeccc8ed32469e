"""Outbound I/O: fetching pages, the Wayback Machine, watchers' transports. Never the database."""
