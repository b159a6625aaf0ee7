-- 0002 — what users enter in Alambic (no source holds it).
--
-- Every app table carries the same bookkeeping columns:
--   created_at / created_by / updated_at / updated_by : who touched the row, when;
--   row_version : incremented at each update, so that a form can refuse to overwrite a row that
--                 somebody else changed since it was opened (lost-update protection).
-- Units are referred to by their code in the configuration file (e.g. '30.3' for Potager);
-- people by their e-mail, the key shared by Odoo partners, TiBillet users and Oceco citizens.
-- Amounts are DECIMAL(14,2) euros, never floats.

CREATE SEQUENCE IF NOT EXISTS app.id_seq;

-- Prévisionnel: an amount expected for a unit and budget category over a period (often a month,
-- sometimes a quarter or a year: the marts spread it evenly over the months it covers).
CREATE TABLE IF NOT EXISTS app.forecasts (
    forecast_id   BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    unit_code     VARCHAR NOT NULL,
    category_code VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    period_end    DATE NOT NULL,
    amount        DECIMAL(14,2) NOT NULL,
    label         VARCHAR NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR NOT NULL DEFAULT 'système',
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL DEFAULT 'système',
    row_version   INTEGER NOT NULL DEFAULT 1,
    CHECK (period_end >= period_start),
    CHECK (amount >= 0)
);

-- Transfert interne: moves budget (not cash) from one unit to another, e.g. a soirée's takings
-- dispatched to the pôles. A dépense interne for from_unit, a recette interne for to_unit.
CREATE TABLE IF NOT EXISTS app.internal_transfers (
    transfer_id   BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    from_unit     VARCHAR NOT NULL,
    to_unit       VARCHAR NOT NULL,
    transfer_date DATE NOT NULL,
    amount        DECIMAL(14,2) NOT NULL,
    reason        VARCHAR NOT NULL DEFAULT '',
    event_id      VARCHAR,                   -- TiBillet event identifier, when about a soirée
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR NOT NULL DEFAULT 'système',
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL DEFAULT 'système',
    row_version   INTEGER NOT NULL DEFAULT 1,
    CHECK (amount > 0),
    CHECK (from_unit <> to_unit)
);

-- Proposition de rémunération (co-rémunération): proposée → validée | refusée → facturée → payée.
-- kind: 'bienveillance' or 'prestation_interne' (the two budget categories it feeds).
-- odoo_move_id: the supplier invoice (account 604) once the member has invoiced.
CREATE TABLE IF NOT EXISTS app.remuneration_proposals (
    proposal_id   BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    person_email  VARCHAR NOT NULL,
    unit_code     VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL DEFAULT 'bienveillance',
    mission       VARCHAR NOT NULL,
    hours         DECIMAL(8,2),
    hourly_rate   DECIMAL(10,2),
    amount        DECIMAL(14,2) NOT NULL,
    start_date    DATE NOT NULL,
    end_date      DATE NOT NULL,
    status        VARCHAR NOT NULL DEFAULT 'proposee',
    decided_by    VARCHAR,
    decided_at    TIMESTAMPTZ,
    decision_comment VARCHAR,
    odoo_move_id  BIGINT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR NOT NULL DEFAULT 'système',
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL DEFAULT 'système',
    row_version   INTEGER NOT NULL DEFAULT 1,
    CHECK (status IN ('proposee', 'validee', 'refusee', 'facturee', 'payee')),
    CHECK (kind IN ('bienveillance', 'prestation_interne')),
    CHECK (amount > 0),
    CHECK (end_date >= start_date)
);

-- Who holds which role on which unit, since when (ended_on NULL: still held). History is kept.
CREATE TABLE IF NOT EXISTS app.role_assignments (
    assignment_id BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    unit_code     VARCHAR NOT NULL,
    role_code     VARCHAR NOT NULL,
    person_email  VARCHAR NOT NULL,
    started_on    DATE NOT NULL,
    ended_on      DATE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR NOT NULL DEFAULT 'système',
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL DEFAULT 'système',
    row_version   INTEGER NOT NULL DEFAULT 1,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);

-- Référent·e of a soirée (TiBillet event identifier).
CREATE TABLE IF NOT EXISTS app.event_referents (
    referent_id   BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    event_id      VARCHAR NOT NULL,
    person_email  VARCHAR NOT NULL,
    unit_code     VARCHAR,                   -- the unit the soirée is booked on
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR NOT NULL DEFAULT 'système',
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL DEFAULT 'système',
    row_version   INTEGER NOT NULL DEFAULT 1
);

-- Suivi des subventions: the follow-up Odoo does not hold (requested amount, dates, instalments).
CREATE TABLE IF NOT EXISTS app.subsidies (
    subsidy_id      BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    funder          VARCHAR NOT NULL,        -- financeur
    scheme          VARCHAR NOT NULL DEFAULT '',  -- dispositif / AAP
    referent_email  VARCHAR,
    unit_code       VARCHAR NOT NULL,        -- main unit funded
    nature          VARCHAR NOT NULL DEFAULT 'fonctionnement',
    amount_requested DECIMAL(14,2) NOT NULL,
    amount_granted  DECIMAL(14,2),
    requested_on    DATE,
    granted_on      DATE,
    notified_on     DATE,
    period_start    DATE,
    period_end      DATE,
    report_due_on   DATE,                    -- compte rendu financier (CERFA 15059)
    odoo_partner_id BIGINT,                  -- the funder in Odoo, to match payments
    links           VARCHAR NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by      VARCHAR NOT NULL DEFAULT 'système',
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by      VARCHAR NOT NULL DEFAULT 'système',
    row_version     INTEGER NOT NULL DEFAULT 1,
    CHECK (nature IN ('fonctionnement', 'investissement')),
    CHECK (amount_requested >= 0),
    CHECK (amount_granted IS NULL OR amount_granted >= 0),
    CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
);

-- Échéancier: avance / acompte / solde, expected and (once paid) received.
CREATE TABLE IF NOT EXISTS app.subsidy_instalments (
    instalment_id   BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    subsidy_id      BIGINT NOT NULL,
    kind            VARCHAR NOT NULL,        -- 'avance' | 'acompte' | 'solde'
    amount          DECIMAL(14,2) NOT NULL,
    expected_on     DATE NOT NULL,
    received_on     DATE,
    odoo_payment_id BIGINT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by      VARCHAR NOT NULL DEFAULT 'système',
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by      VARCHAR NOT NULL DEFAULT 'système',
    row_version     INTEGER NOT NULL DEFAULT 1,
    CHECK (kind IN ('avance', 'acompte', 'solde')),
    CHECK (amount > 0)
);

-- Audit: every write to app.* (who, when, what, before, after).
CREATE SEQUENCE IF NOT EXISTS app.audit_seq;
CREATE TABLE IF NOT EXISTS app.audit_log (
    audit_id    BIGINT PRIMARY KEY DEFAULT nextval('app.audit_seq'),
    changed_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    who         VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL,
    row_id      BIGINT NOT NULL,
    action      VARCHAR NOT NULL,            -- 'insert' | 'update' | 'delete'
    before      JSON,
    after       JSON
);
