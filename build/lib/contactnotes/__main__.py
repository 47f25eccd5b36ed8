from contactnotes.cli import main

main()
