"""Pi-side drivers."""
