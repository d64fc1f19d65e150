"""Exploring the warehouse in a browser: a read-only SQLite copy served by Datasette."""
