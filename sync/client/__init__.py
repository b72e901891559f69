"""The replication client: a replica's remote, one sync round, and the engine that keeps it in step."""
