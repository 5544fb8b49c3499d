"""Console-wide web concerns: hall scope, rate limits and their storage, security
headers, the Flask extensions every package shares."""
