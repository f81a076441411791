"""Listen: read every post, score it, and see where a conversation is heading."""
