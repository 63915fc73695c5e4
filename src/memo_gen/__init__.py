"""memo-gen: a diplomatic visit record rendered as a memorandum and a fact sheet."""

__version__ = "0.1.0"
