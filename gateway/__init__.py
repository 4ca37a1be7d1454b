"""The HTTP gateway: the JSON API of every service (derived from the protos), sign-in and
permissions, the province change feed, and operations endpoints."""
