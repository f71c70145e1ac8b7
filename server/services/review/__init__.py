"""What the tablets sent, reviewed: reports as they arrive, checks, countersignatures, the reconciliation
cockpit, corrections, decisions, and what an accepted report triggers (outcomes)."""
