"""The policy rules: defaults, triggers, working days, alerts, supervision, clinic, meeting
audits and the drift report."""
