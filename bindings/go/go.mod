module ooauthcc.example/ooauthcc

go 1.19
