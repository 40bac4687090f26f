"""Python SDK for the Sogni Supernet."""
