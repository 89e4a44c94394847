"""The business rules. Nothing here imports Flask or knows about HTTP."""
