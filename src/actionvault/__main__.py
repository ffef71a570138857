from actionvault.cli import main

main()
