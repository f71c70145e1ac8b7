"""Requests coming in: departures (water and electricity), termination requests, the customer file."""
