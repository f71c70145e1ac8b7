"""Pure rules of DESIGN.md §4 and their arithmetic: no database, no Flask; the lowest package.

Departure and termination rules, the business calendar, invoice lines, IBAN checks, report seals and the
reconciliation checks. Every other stage imports them; they import only the standard library, `forms`,
`sync` and `server.errors`."""
