"""Admin of the Open311 keys (stored hashed, shown once)."""
