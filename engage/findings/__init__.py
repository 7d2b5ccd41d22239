"""Fast, masked aggregates of a consultation: who took part and what they said."""
