"""Safeguarding: answers that may disclose current risk, seen only by the safeguarding lead."""
