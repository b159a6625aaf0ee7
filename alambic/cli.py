"""The `alambic` command: one entry point for the demo, the server, the flows and the warehouse."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from alambic.config import ConfigError, load_config
from flows.runtime import prefect_api_configured, prefect_defaults

# Imports stay inside the commands: `alambic sql "select 1"` must not pay for Prefect, Panel or
# the model runner (seconds of imports) — see `_user_errors` for the errors `main` explains.

DEFAULT_PORT = 5006
DEMO_DIR = Path("data/demo")


class NotBuiltYet(SystemExit):
    """A command of the design that does not exist yet: say so plainly, exit non-zero."""

    def __init__(self, command: str, issue: str):
        print(
            f"`alambic {command}` n'est pas encore disponible ({issue}). "
            "Voir `alambic --help` pour les commandes disponibles.",
            file=sys.stderr,
        )
        super().__init__(2)


def cmd_demo(args: argparse.Namespace) -> int:
    from sandbox.demo import build_demo

    build_demo(Path(args.dir), seed=args.seed, scale=args.scale, reset=args.reset, log=print)
    if args.no_serve:
        return 0
    return serve_demo(Path(args.dir), args.port)


def serve_demo(directory: Path, port: int) -> int:
    """Serve the demo with its simulated sources running, so that its syncs work meanwhile."""
    from sandbox.demo import print_welcome, serving_demo_sources

    with serving_demo_sources(directory) as config:
        print(f"Sources simulées en service : {', '.join(s['url'] for s in config.sources.values() if 'url' in s)}")
        print_welcome(config, port)
        return _serve(config, port)


def cmd_serve(args: argparse.Namespace) -> int:
    return _serve(load_config(args.config), args.port, dev=args.dev)


def _serve(config, port: int, dev: bool = False) -> int:
    from dashboards.server import serve

    serve(config, port=port, dev=dev)
    return 0


WITHOUT_PREFECT = ("PREFECT_API_URL n'est pas défini : {what} tourne directement, sans Prefect (aucune "
                   "exécution n'y est enregistrée). Pour les suivre dans l'interface de Prefect, définissez "
                   "PREFECT_API_URL (voir le README, « Planifier les flux »).")


def cmd_build(args: argparse.Namespace) -> int:
    """A pure-SQL build: run directly, through the `build` flow only when a Prefect API is set
    (never a temporary Prefect server started for it)."""
    config = load_config(args.config)
    if prefect_api_configured():
        prefect_defaults()
        from flows.build import build_marts

        marts = build_marts(str(config.path))
    else:
        from flows.sync import build_and_record

        marts = build_and_record(config, log=lambda line: print(line, file=sys.stderr))
    for name, rows in marts.items():
        print(f"marts.{name} : {rows} lignes")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    from flows.connect import configured_sources

    sources = [args.source] if args.source else configured_sources(config)
    if not sources:
        print("Aucune source configurée (sections [sources.odoo], [sources.tibillet], [sources.oceco]).",
              file=sys.stderr)
        return 1
    if not prefect_api_configured():
        return _sync_directly(config, sources, args.reconcile)
    prefect_defaults()
    from flows.source_sync import sync

    failed = False
    for source in sources:
        state = sync(source, str(config.path), reconcile=args.reconcile, return_state=True)
        if state.is_failed():
            failed = True
            print(f"Échec : {state.message}", file=sys.stderr)
        else:
            for report in state.result():
                print(report.line())
    return 1 if failed else 0


def _sync_directly(config, sources: list[str], reconcile: bool) -> int:
    """The `sync` flow's steps (flows.sync.sync_source), without Prefect; a failed source does not
    stop the others, as in the flow."""
    from flows.sync import sync_source

    print(WITHOUT_PREFECT.format(what="la synchronisation"), file=sys.stderr)
    failed = False
    for source in sources:
        try:
            sync_source(config, source, reconcile=reconcile, log=print)
        except Exception as exc:  # noqa: BLE001 — reported, as the flow's failed state would be
            failed = True
            print(f"Échec : {source} : {exc}", file=sys.stderr)
    return 1 if failed else 0


def cmd_schedule(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    from flows.schedule import run_schedule  # the runner in a child: stops on SIGINT and SIGTERM

    return run_schedule(config.path)


def cmd_sql(args: argparse.Namespace) -> int:
    from warehouse.connection import Warehouse

    config = load_config(args.config)
    warehouse = Warehouse.from_config(config)
    if args.query is None:
        return sql_interactive(warehouse, config, args)
    return sql_once(warehouse, config, args, args.query)


def sql_once(warehouse, config, args: argparse.Namespace, query: str) -> int:
    """Run one query and print its answer (table, --csv or --json); 1 if refused."""
    from alambic import sql_output
    from warehouse.sql_console import QueryRefused, run_readonly

    try:
        result = run_readonly(warehouse, query, row_cap=args.max_rows)
    except QueryRefused as exc:
        print(str(exc), file=sys.stderr)  # the message already says « Refusé » when it refuses
        return 1
    columns, rows = [str(c) for c in result.columns], list(result.rows)
    if args.csv:
        sys.stdout.write(sql_output.csv_text(columns, rows, config.timezone))
    elif args.json:
        print(sql_output.json_text(columns, rows, config.timezone))
    else:
        print(sql_output.table(columns, rows, config.timezone))
    if result.truncated:
        print(f"… {result.limit_message}", file=sys.stderr)
    return 0


SQL_HISTORY = Path("~/.alambic_sql_history")


def sql_interactive(warehouse, config, args: argparse.Namespace) -> int:
    """`alambic sql` without a query: a prompt; a query ends with `;` (or an empty line);
    `\\q` or Ctrl-D quits; the history is kept in ~/.alambic_sql_history."""
    try:
        import readline
    except ImportError:  # not on every platform: the prompt works without history
        readline = None
    history = SQL_HISTORY.expanduser()
    if readline is not None:
        try:
            readline.read_history_file(history)
        except (FileNotFoundError, OSError):
            pass
    print("Console SQL en lecture seule. Terminez une requête par « ; ». \\q ou Ctrl-D pour quitter.",
          file=sys.stderr)
    pending: list[str] = []
    try:
        while True:
            try:
                line = input("alambic> " if not pending else "    ...> ")
            except EOFError:
                print(file=sys.stderr)
                break
            except KeyboardInterrupt:  # Ctrl-C drops the query being typed, like psql
                print(file=sys.stderr)
                pending = []
                continue
            if not pending and line.strip() in ("\\q", "\\quit", "exit", "quit"):
                break
            if line.strip():
                pending.append(line)
            query = "\n".join(pending).strip()
            if query and (query.endswith(";") or not line.strip()):
                pending = []
                sql_once(warehouse, config, args, query)
    finally:
        if readline is not None:
            try:
                readline.write_history_file(history)
                os.chmod(history, 0o600)
            except OSError:
                pass
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from warehouse.connection import Warehouse
    from warehouse.export import export_marts

    config = load_config(args.config)
    for path in export_marts(Warehouse.from_config(config), Path(args.directory), args.format, config.timezone):
        print(path)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from warehouse.backup import backup
    from warehouse.connection import Warehouse

    config = load_config(args.config)
    print(f"Sauvegarde écrite dans {backup(Warehouse.from_config(config), config.backups_path)}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from warehouse.backup import latest_backup, restore
    from warehouse.connection import Warehouse

    config = load_config(args.config)
    source = Path(args.backup) if args.backup else latest_backup(config.backups_path)
    kept = restore(Warehouse.from_config(config), source, app_only=args.app_only, who=CLI_WHO,
                   backups_dir=config.backups_path)
    print(f"Restauré depuis {source}" + (" (saisies seulement)" if args.app_only else ""))
    if kept is not None:
        print(f"L'entrepôt d'avant la restauration est gardé dans {kept}")
    return 0


def cmd_migrations(args: argparse.Namespace) -> int:
    from warehouse.connection import Warehouse
    from warehouse.migrations import accept_migration, applied_migrations, edited_migrations, migration_files

    warehouse = Warehouse.from_config(load_config(args.config))
    if args.accept:
        accept_migration(warehouse, args.accept)
        print(f"Migration {args.accept} acceptée telle qu'elle est maintenant (empreinte enregistrée).")
        return 0
    applied = applied_migrations(warehouse)
    edited = set(edited_migrations(applied))
    for version, _ in migration_files():
        state = "MODIFIÉE depuis son application" if version in edited else (
            "appliquée" if version in applied else "en attente")
        print(f"{version} : {state}")
    return 1 if edited else 0


def cmd_not_built(issue: str):
    def run(args: argparse.Namespace) -> int:
        raise NotBuiltYet(args.command, issue)

    return run


CLI_WHO = "cli"  # who the audit names for changes made with this command


def _read_new_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice without echo."""
    import getpass

    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n")
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Mot de passe (encore) : ") != first:
        raise UsersCommandError("Les deux mots de passe ne sont pas identiques.")
    return first


class UsersCommandError(Exception):
    """A French message for the person running `alambic users`."""


def cmd_users(args: argparse.Namespace) -> int:
    from alambic.auth import AccountError, AccountStore, WeakPassword
    from warehouse.connection import Warehouse
    from warehouse.migrations import migrate

    config = load_config(args.config)
    warehouse = Warehouse.from_config(config)
    store = AccountStore(warehouse)
    try:
        migrate(warehouse)
        if args.action == "list":
            _print_accounts(store.all())
        elif args.action == "add":
            password = None if args.no_password else _read_new_password(args.password_stdin)
            account = store.add(args.login, args.email, args.role, password, display_name=args.name, who=CLI_WHO)
            print(f"Compte « {account.login} » créé ({account.role}, {account.email}).")
        elif args.action == "passwd":
            if store.get(args.login) is None:
                raise AccountError(f"Aucun compte « {args.login.strip().lower()} ».")
            account = store.set_password(args.login, _read_new_password(args.password_stdin), who=CLI_WHO)
            print(f"Mot de passe de « {account.login} » changé.")
        elif args.action == "disable":
            account = store.disable(args.login, who=CLI_WHO)
            print(f"Compte « {account.login} » désactivé : il ne peut plus se connecter "
                  "(les pages ouvertes se ferment dans la minute).")
        elif args.action == "enable":
            account = store.enable(args.login, who=CLI_WHO)
            print(f"Compte « {account.login} » réactivé.")
    except (AccountError, WeakPassword, UsersCommandError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    return 0


def _print_accounts(accounts) -> None:
    if not accounts:
        print("Aucun compte. Créez-en un : alambic users add LOGIN --email … --role admin")
        return
    header = ("identifiant", "nom", "e-mail", "rôle", "état", "mot de passe changé le")
    rows = [header] + [
        (a.login, a.display_name, a.email, a.role, "actif" if a.active else "désactivé",
         a.password_changed_at.strftime("%d/%m/%Y") if a.password_changed_at else "—")
        for a in accounts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="alambic",
        description="Alambic, l'outil de gestion interne de La Raffinerie.",
    )
    config_help = "fichier de configuration (par défaut : $ALAMBIC_CONFIG, sinon ./alambic.toml)"
    top.add_argument("--config", help=config_help)
    # Accepted after the command too (`alambic serve --config …`); SUPPRESS keeps the top-level value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help=config_help)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    demo = command(
        "demo", help="construit l'organisation fictive par le vrai pipeline, puis sert les tableaux de bord"
    )
    demo.add_argument("--scale", type=float, default=1.0, help="taille de l'organisation fictive (1 = La Raffinerie)")
    demo.add_argument("--seed", type=int, default=42, help="graine du générateur (même graine, mêmes données)")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port HTTP (défaut : {DEFAULT_PORT})")
    demo.add_argument("--no-serve", action="store_true", help="construire seulement, sans servir")
    demo.add_argument("--reset", action="store_true", help="reconstruire l'entrepôt de démo même s'il existe")
    demo.add_argument("--dir", default=str(DEMO_DIR), help=f"dossier de la démo (défaut : {DEMO_DIR})")
    demo.set_defaults(run=cmd_demo)

    serve = command("serve", help="sert les tableaux de bord sur l'entrepôt configuré")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port HTTP (défaut : {DEFAULT_PORT})")
    serve.add_argument("--dev", action="store_true",
                       help="pour qui modifie Alambic : recharge le Python (autoreload de Panel) et le SQL "
                            "des pages, reconstruit les marts quand leur SQL change")
    serve.set_defaults(run=cmd_serve)

    build = command("build", help="recalcule les marts (modèles SQL) en une transaction")
    build.set_defaults(run=cmd_build)

    sync = command("sync", help="synchronise une source (ou toutes) dans l'entrepôt")
    sync.add_argument("source", nargs="?", choices=["odoo", "tibillet", "oceco"], help="par défaut : toutes")
    sync.add_argument("--reconcile", action="store_true",
                      help="relire tout (retire les enregistrements supprimés à la source)")
    sync.set_defaults(run=cmd_sync)

    schedule = command(
        "schedule", help="sert les déploiements Prefect avec leurs planifications (voir l'interface Prefect)"
    )
    schedule.set_defaults(run=cmd_schedule)

    sql = command("sql", help="requête SQL en lecture seule sur l'entrepôt")
    sql.add_argument("query", nargs="?", help="une requête SELECT (sans : invite interactive)")
    sql_format = sql.add_mutually_exclusive_group()
    sql_format.add_argument("--csv", action="store_true", help="sortie CSV à la française (;, virgule décimale)")
    sql_format.add_argument("--json", action="store_true", help="sortie JSON")
    sql.add_argument("--max-rows", type=int, default=10_000, help="nombre maximal de lignes (défaut : 10 000)")
    sql.set_defaults(run=cmd_sql)

    export = command("export", help="exporte les marts en Parquet ou CSV")
    export.add_argument("directory", nargs="?", default="export", help="dossier de sortie (défaut : ./export)")
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    export.set_defaults(run=cmd_export)

    migrations = command("migrations", help="état des migrations de l'entrepôt ; --accept pour en accepter une modifiée")
    migrations.add_argument("--accept", metavar="VERSION",
                            help="accepter en connaissance de cause une migration appliquée puis modifiée "
                                 "(ex. 0002_app_tables)")
    migrations.set_defaults(run=cmd_migrations)

    backup = command("backup", help="sauvegarde l'entrepôt et les saisies des membres")
    backup.set_defaults(run=cmd_backup)

    restore = command("restore", help="restaure une sauvegarde (la plus récente par défaut)")
    restore.add_argument("backup", nargs="?", help="dossier de la sauvegarde")
    restore.add_argument("--app-only", action="store_true",
                         help="ne remplacer que les saisies des membres (app.*) de l'entrepôt actuel")
    restore.set_defaults(run=cmd_restore)

    users = command("users", help="gère les comptes de connexion (add, passwd, disable, enable, list)")
    users_sub = users.add_subparsers(dest="action", required=True)
    stdin_help = "lire le mot de passe sur l'entrée standard (une ligne), pour les scripts"
    add = users_sub.add_parser("add", parents=[common], help="crée un compte")
    add.add_argument("login", help="identifiant (minuscules, chiffres, . _ -)")
    add.add_argument("--email", required=True, help="adresse e-mail de la personne (lien avec les rôles)")
    add.add_argument("--role", required=True, choices=["admin", "finance", "member"],
                     help="admin, finance ou member (membre)")
    add.add_argument("--name", default="", help="nom affiché")
    add.add_argument("--password-stdin", action="store_true", help=stdin_help)
    add.add_argument("--no-password", action="store_true",
                     help="sans mot de passe (connexion par OAuth / OpenID Connect seulement)")
    passwd = users_sub.add_parser("passwd", parents=[common], help="change le mot de passe d'un compte")
    passwd.add_argument("login")
    passwd.add_argument("--password-stdin", action="store_true", help=stdin_help)
    disable = users_sub.add_parser("disable", parents=[common],
                                   help="désactive un compte (il ne peut plus se connecter)")
    disable.add_argument("login")
    enable = users_sub.add_parser("enable", parents=[common], help="réactive un compte désactivé")
    enable.add_argument("login")
    users_sub.add_parser("list", parents=[common], help="liste les comptes")
    users.set_defaults(run=cmd_users)
    return top


def _user_errors() -> tuple[type[BaseException], ...]:
    """The errors `main` explains in a line: those of the modules the command imported (one not
    imported cannot have raised)."""
    from warehouse.connection import WarehouseBusy, WarehouseMissing

    errors: list[type[BaseException]] = [WarehouseBusy, WarehouseMissing]
    for module, name in (("warehouse.build", "BuildError"), ("warehouse.load", "LoadError"),
                         ("warehouse.backup", "BackupError"), ("warehouse.migrations", "MigrationError")):
        if module in sys.modules:
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


def private_files() -> None:
    """What the commands create (warehouse, WAL, backups, exports, history) is the owner's only:
    the warehouse holds the accounts' password hashes."""
    os.umask(0o077)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    private_files()
    try:
        return args.run(args)
    except ConfigError as exc:
        print(f"Configuration : {exc}", file=sys.stderr)
        return 1
    except _user_errors() as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
