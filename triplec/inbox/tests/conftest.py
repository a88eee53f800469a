from django.core.management import call_command

# The Indonesian UI strings the browser test reads come from our .po: compiled before any server starts.
call_command("compile_translations", verbosity=0)
