"""Domain: the referral programme (links, attribution, commissions, payouts)."""
