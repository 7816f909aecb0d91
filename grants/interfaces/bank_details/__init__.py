"""Bank details: organisations' accounts for payments, kept encrypted, shown masked, and verified by a
finance officer's call-back before they take effect."""
