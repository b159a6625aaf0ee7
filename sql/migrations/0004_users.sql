-- 0004 — who may log in to Alambic (managed with `alambic users …`).
--
-- login         : what a person types on the login page (lower case, unique).
-- email         : links the account to the person (app.role_assignments.person_email, Odoo
--                 partners…) and matches an OAuth / OpenID Connect identity (unique).
-- role          : 'admin' | 'finance' | 'member'; edit rights per unit come from
--                 app.role_assignments, not from here.
-- password_hash : argon2id, as written by argon2-cffi (NULL: no password, e.g. OAuth only).
-- active        : false once disabled; a disabled account cannot log in, its row is kept.
-- Failed-login counters are kept in the server's memory, not here: writing the warehouse at
-- every login attempt would take the writers' lock and clear every page cache.
CREATE TABLE IF NOT EXISTS app.users (
    user_id       BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    login         VARCHAR NOT NULL UNIQUE,
    email         VARCHAR NOT NULL UNIQUE,
    display_name  VARCHAR NOT NULL DEFAULT '',
    role          VARCHAR NOT NULL DEFAULT 'member',
    password_hash VARCHAR,
    active        BOOLEAN NOT NULL DEFAULT true,
    password_changed_at TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR NOT NULL DEFAULT 'système',
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL DEFAULT 'système',
    row_version   INTEGER NOT NULL DEFAULT 1,
    CHECK (role IN ('admin', 'finance', 'member')),
    CHECK (login = lower(login) AND length(login) BETWEEN 2 AND 64)
);
