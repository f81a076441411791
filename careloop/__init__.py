"""careloop: turn a public complaint into a private conversation, a fix, and a member who is glad they spoke up."""

__version__ = "0.1.0"
