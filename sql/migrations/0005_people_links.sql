-- 0005 — how an admin settled a person that the sources could not match safely.
--
-- People are matched across Odoo partners, TiBillet users and Oceco citizens by e-mail (lower-case,
-- spaces removed). When that is not safe — an Oceco citizen without e-mail (Oceco's listMembers
-- does not publish it), two citizens or two partners sharing one e-mail — the record is listed in
-- marts.people_conflicts and nothing is guessed. An admin then decides, once, for that record:
--   decision = 'link'     : this record is the person whose e-mail is person_email;
--   decision = 'distinct' : this record is a person of its own (person_email NULL).
-- The marts (people_links, people, volunteer_*) apply the decisions at the next build.
--
-- source    : 'odoo' (res.partner id), 'oceco' (citoyen id) or 'tibillet' (the e-mail TiBillet knows).
-- source_id : the record's identifier in that source, as text.
CREATE TABLE IF NOT EXISTS app.person_links (
    link_id       BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
    source        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    decision      VARCHAR NOT NULL DEFAULT 'link',
    person_email  VARCHAR,
    comment       VARCHAR NOT NULL DEFAULT '',
    decided_by    VARCHAR NOT NULL DEFAULT 'système',
    decided_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR NOT NULL DEFAULT 'système',
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL DEFAULT 'système',
    row_version   INTEGER NOT NULL DEFAULT 1,
    UNIQUE (source, source_id),
    CHECK (source IN ('odoo', 'oceco', 'tibillet')),
    CHECK (decision IN ('link', 'distinct')),
    CHECK ((decision = 'link') = (person_email IS NOT NULL))
);
