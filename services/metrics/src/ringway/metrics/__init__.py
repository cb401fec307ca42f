"""Ringway metrics and staffing service."""
