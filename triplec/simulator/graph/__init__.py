"""Meta's Graph API as the product calls it: the routes (routes.py) and one module per kind of endpoint."""
