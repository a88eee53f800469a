"""`python -m triplec.simulator`: the simulator without Django (the test fixture starts it this way)."""

from triplec.simulator.run import main

main()
