"""Use cases as plain functions: no Flask request, time and acting user as arguments; the only code that commits."""
