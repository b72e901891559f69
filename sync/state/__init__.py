"""The replicated state: records, the clock, the operations log, the store, the rules and the watcher."""
