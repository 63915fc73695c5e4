"""``python -m memo_gen`` runs the command line."""

from memo_gen.cli import main

main()
