"""The synchronous client: its driver, the generated facade and the waiting wrappers."""
