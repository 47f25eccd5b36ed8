"""contactnotes: a self-hostable contact notes service with TetherAI- and Virtuous-compatible APIs."""

__version__ = "0.1.0"
