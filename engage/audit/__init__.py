"""Who did what and when: an append-only log of officer actions, with no respondent text.

Below ``auth``: recording needs only an actor's id and email, so every package
(``auth`` included) may record, and nothing here imports ``auth``. The page that
reads the log is an administrator's page: ``engage/auth/audit_log.py``.
"""
