from qualtui.cli import main

main()
