"""The HTTP layer: request plumbing shared by the blueprints."""
