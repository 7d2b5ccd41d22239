"""Who is and isn't being reached: respondents against the Census 2021 population."""
