"""The cultivation plan: target and rules (target), the application year (projection),
requirements and options, levers and their cost, the exact cheapest-set search, the
Appendix C catalogue and its wording, and the items a manager can act on (maker)."""
