"""One view module per area of the staff dashboard (`/admin/…`) and the operator console."""
