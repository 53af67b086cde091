"""`python -m headroom ...` runs the `headroom` command."""

from headroom._cli import main

main()
