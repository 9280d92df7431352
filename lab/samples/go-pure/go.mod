module example.com/selfcheck

go 1.19
