"""`contactnotes backup` and `contactnotes restore`: a consistent copy of a running service's data."""
