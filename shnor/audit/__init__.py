"""The audit log. Every state change calls `record(...)` inside its own transaction."""
