"""Coding free-text answers into themes, one module per thing an officer does.

``codebook`` (the themes), ``review`` (the queue and decisions), ``model``
(machine suggestions and training), ``reliability`` (blind double coding),
``discovery`` (topics no theme covers) and ``summary`` (prevalence), over
``answers`` (the answers, their codes and who gave them). ``views`` is the blueprint.
"""
