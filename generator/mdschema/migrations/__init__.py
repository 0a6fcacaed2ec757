"""Alembic: plans, revisions proven on shadow databases, the env.py runtime."""
