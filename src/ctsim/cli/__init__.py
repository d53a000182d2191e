"""The command line: main.py composes the command modules and maps errors to exit codes."""
