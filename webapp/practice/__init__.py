"""Practice around the cases: the legal and practice clinic, supervision and its leave,
and case-file and meeting audits."""
