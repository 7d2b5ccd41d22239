"""You said, we did: commitments, their progress, and the public page per consultation."""
