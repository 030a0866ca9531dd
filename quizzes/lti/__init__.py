"""LTI 1.3: launches from a learning platform, deep linking, grade passback and rosters."""
