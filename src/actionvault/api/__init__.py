"""The HTTP transport (ASGI). Web framework imports stop at this package."""
