"""Ringway customer self-service API."""
