"""Reading the results: indicators and printouts (PDFs)."""
