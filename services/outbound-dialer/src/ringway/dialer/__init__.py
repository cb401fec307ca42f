"""Ringway outbound dialer service."""
