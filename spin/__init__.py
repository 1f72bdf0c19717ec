"""spin: what happened to a news story on its way through reposts."""
