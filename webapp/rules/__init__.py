"""The policy rules that read a case's history: the team's rules and their defaults,
review triggers, alerts and their firings, allocation and unanswered alerts."""
