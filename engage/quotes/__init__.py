"""Anonymised quotes officers choose to share: redacted and attributed by a safe band."""
