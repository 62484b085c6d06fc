"""What organizations use: credit reservations, running-job slots, the request log."""
