"""minimage-ask's user interfaces: the command line, script mode and the prompt-toolkit conversation."""
