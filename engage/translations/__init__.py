"""Officer translation management: a survey's own words in every language it is offered in."""
