"""Working as a team: who the coder is, merging projects, inter-coder agreement."""
