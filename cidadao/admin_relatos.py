"""Admin of the reports, the blocked phones and the channel parameters."""
