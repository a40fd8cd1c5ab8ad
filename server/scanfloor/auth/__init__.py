"""Users, roles, tokens, badges and API keys."""
