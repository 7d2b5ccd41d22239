"""The engagement report, the partnership overview and the public page per consultation."""
