"""The chart of accounts and journals of the sandbox Odoo (6-digit French association codes).

Each account says which budget category of alambic.example.toml it feeds (longest prefix wins
there: 604100 → "6041" bienveillance, 604000 → "60" prestations externes / achats).
"""

from __future__ import annotations

# kind → Odoo ≤15 (user_type id, user_type name, internal_type, internal_group), 16+ account_type
KINDS = {
    "receivable": ((1, "Recevable", "receivable", "asset"), "asset_receivable"),
    "payable": ((2, "Payable", "payable", "liability"), "liability_payable"),
    "cash": ((3, "Banque et liquidités", "liquidity", "asset"), "asset_cash"),
    "current_asset": ((5, "Actifs circulants", "other", "asset"), "asset_current"),
    "equity": ((11, "Capitaux propres", "other", "equity"), "equity"),
    "income": ((13, "Produits", "other", "income"), "income"),
    "expense": ((15, "Charges", "other", "expense"), "expense"),
}
RECONCILABLE = {"receivable", "payable", "current_asset"}

# code, name, kind
ACCOUNTS = [
    ("110000", "Report à nouveau", "equity"),
    ("401000", "Fournisseurs", "payable"),
    ("411000", "Clients", "receivable"),
    ("441000", "État et collectivités – subventions à recevoir", "current_asset"),
    ("512000", "Banque", "cash"),
    ("512100", "Encaissements en attente", "current_asset"),
    ("512200", "Décaissements en attente", "current_asset"),
    ("604000", "Achats d'études et prestations de services", "expense"),
    ("604100", "Prestations de bienveillance (co-rémunération)", "expense"),
    ("604200", "Prestations internes (co-rémunération)", "expense"),
    ("606100", "Fournitures non stockables (eau, énergie)", "expense"),
    ("606300", "Fournitures d'entretien et de petit équipement", "expense"),
    ("606400", "Fournitures administratives", "expense"),
    ("607000", "Achats de marchandises", "expense"),
    ("611000", "Sous-traitance générale", "expense"),
    ("613200", "Locations immobilières", "expense"),
    ("613500", "Locations mobilières", "expense"),
    ("615000", "Entretien et réparations", "expense"),
    ("616000", "Primes d'assurance", "expense"),
    ("622600", "Honoraires", "expense"),
    ("623000", "Publicité, publications, relations publiques", "expense"),
    ("625100", "Voyages et déplacements", "expense"),
    ("626000", "Frais postaux et de télécommunications", "expense"),
    ("627000", "Services bancaires et assimilés", "expense"),
    ("706000", "Prestations de services", "income"),
    ("707100", "Ventes – billetterie", "income"),
    ("707200", "Ventes – bar", "income"),
    ("740000", "Subventions d'exploitation – autres financeurs", "income"),
    ("741100", "Subventions d'exploitation – État", "income"),
    ("741200", "Subventions d'exploitation – Région", "income"),
    ("741300", "Subventions d'exploitation – Département", "income"),
    ("741400", "Subventions d'exploitation – intercommunalité", "income"),
    ("756100", "Cotisations", "income"),
]
ACCOUNT_KIND = {code: kind for code, _, kind in ACCOUNTS}

# id, name, code, type, default account
JOURNALS = [
    (1, "Factures clients", "FAC", "sale", "706000"),
    (2, "Factures fournisseurs", "FACTU", "purchase", "607000"),
    (3, "Opérations diverses", "OD", "general", False),
    (4, "Banque", "BNK1", "bank", "512000"),
]
JOURNAL_BY_CODE = {code: (jid, name) for jid, name, code, _, _ in JOURNALS}
MOVE_JOURNAL = {"out_invoice": "FAC", "out_refund": "FAC", "in_invoice": "FACTU", "in_refund": "FACTU"}
OUTSTANDING = {"inbound": "512100", "outbound": "512200"}
BANK = "512000"
