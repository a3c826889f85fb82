"""Composition root: settings, the ASGI app, authentication and the command line."""
