"""A local Supernet for tests."""
