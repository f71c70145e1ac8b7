"""Use cases as plain functions: no Flask request, time and acting user as arguments; the only code that commits.

One package per stage of the main job, ordered: a package imports only the packages listed before it
(tests/unit/test_architecture.py holds this order).

    rules      pure rules of DESIGN.md §4 and their arithmetic (no database)
    planning   the day's rounds with OR-Tools, their independent checker, the map's geometry (no database)
    base       accounts, countersignature codes, audit, counters, health, CSV, demo data
    dossiers   dossiers, tasks, messages, field orders, the procedures' timers
    closing    terminations, invoices, control, cashier, transfers
    intake     departure and termination requests, customers
    review     reports as they arrive, countersignatures, cockpit, decisions, outcomes
    field      tablets, sync, the chief's board, order lists
    reporting  indicators, printouts
"""
