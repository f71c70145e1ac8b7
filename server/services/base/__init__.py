"""What every stage uses: accounts and countersignature codes, the audit trail, counters, health,
CSV writing and the demo data."""
