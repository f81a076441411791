from careloop.cli import main

main()
