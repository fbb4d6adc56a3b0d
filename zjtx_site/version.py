"""The tool's version: a leaf, so every stage can print it without importing the API facade."""

__version__ = "0.1.0"
