// Never finishes starting: its top-level code spins.
for (;;) { }
