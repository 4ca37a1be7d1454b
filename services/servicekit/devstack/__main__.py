from servicekit.devstack.supervisor import main

main()
