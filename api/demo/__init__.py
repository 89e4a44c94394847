"""The demo store: seed data and pictures."""
