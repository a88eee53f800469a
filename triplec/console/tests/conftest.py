from django.core.management import call_command

# The UI is checked in Indonesian: the catalogues must be compiled before Django first loads them.
call_command("compile_translations", verbosity=0)
