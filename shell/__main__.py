from shell.cli import run

run()
