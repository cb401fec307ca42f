"""FastAPI plumbing shared by every service."""
