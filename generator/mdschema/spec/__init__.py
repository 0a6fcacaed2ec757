"""Markdown schema docs → a validated Schema (never imports SQLAlchemy)."""
