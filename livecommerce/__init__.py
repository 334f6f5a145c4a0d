"""livecommerce: the CLI and offline engine for the live-commerce platform stacks."""

__version__ = "0.1.0"
