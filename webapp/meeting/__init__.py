"""The weekly Case Progression meeting: its agenda (built from the rules and the drift
report) and the outcomes recorded against it. The record of meetings held is
:mod:`webapp.cases.meetings`."""
