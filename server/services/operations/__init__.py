"""Operating an instance: backups that restore, integrity checks, the fleet's health (issue 16).

The highest stage: it may read every stage below it (the seals of `review`), nothing imports it but the
CLI, the office pages and the metrics."""
