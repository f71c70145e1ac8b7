"""Dossiers and what they hold: their lifecycle, tasks, messages to customers, the field orders they
issue, and the timers of the procedures (W8, W19, E10)."""
