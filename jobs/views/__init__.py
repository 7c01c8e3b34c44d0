"""Job pages: one module per page (dash, joblist, errors, ...), thin views over jobs.query."""
