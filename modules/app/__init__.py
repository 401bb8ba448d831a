"""Composition: the coordinator that owns every part, run-time settings, the event bus."""
