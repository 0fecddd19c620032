"""The application: the `deltagrad` command, its expression parser and the tour."""
