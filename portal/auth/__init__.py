"""Domain: who signs in and how: the Principal base and Flask-Login glue, operators and firm staff
(models, invitations, provisioning a firm with its owner), roles and permissions, the team
(invite, roles, deactivate, remove), staff password resets, passwords, tokens, single-use
redemption, sign-in forms and the shared sign-in flow."""
