"""Who uses caseboard: teams and their settings, users, their roles, passwords, API
logins and sign-in. Below the case packages; imports nothing from them."""
