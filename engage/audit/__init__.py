"""Who did what and when: an append-only log of officer actions, with no respondent text."""
