"""A family group's case: registering it, its stage and review date, its whole life
(closing, transferring, reopening), its history as dated events, and imports from a
case system. Below the rules, which read it; imports nothing from them."""
