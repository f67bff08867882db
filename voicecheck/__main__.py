"""`python -m voicecheck` runs the command line."""

from voicecheck.cli import main

main()
