"""Pure analysis over pandas DataFrames: no Flask, no SQLAlchemy, no configuration."""
