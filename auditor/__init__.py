"""osaid-audit: tells whether an AI model release is Open Source AI, and what is missing or blocking."""

__version__ = "0.1.0"
