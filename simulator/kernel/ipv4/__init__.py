"""The IPv4 stack of one network namespace."""
