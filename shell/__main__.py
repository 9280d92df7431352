from shell.start import run

run()
