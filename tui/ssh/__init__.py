"""Members logging in over SSH to one shared Unix account, told apart by their keys (as gitolite does)."""
