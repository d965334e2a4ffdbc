"""Account writes: sign-up, password changes, site admins."""
