"""Ringway routing service: skills-based ACD."""
