"""Ringway shared library: contracts, bus, outbox/inbox and service plumbing."""
