"""The organisation directory: org units (any depth), learner profiles, roles scoped to subtrees."""
