"""One blueprint per area: storefront (public), admin (merchant), service (health, widget, demo)."""
