"""A utility's own data: importing its customer base from CSV and XLSX files (DESIGN §10)."""
