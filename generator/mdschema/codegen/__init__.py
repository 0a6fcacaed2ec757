"""Schema → the generated package as {path: text}; only emit.py writes (never imports SQLAlchemy)."""
