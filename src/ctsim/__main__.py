from ctsim.cli.main import main

main()
