"""Async twin of the sogni SDK."""
