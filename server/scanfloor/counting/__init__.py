"""Count tasks: raised by events (a short pick, ...) and executed by the counting workflow."""
