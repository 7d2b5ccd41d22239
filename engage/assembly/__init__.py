"""The Youth Assembly: findings packs, ratings, statements, votes and moderation."""
