"""``python -m axisctl`` runs the command line."""

from axisctl.cli import main

main()
