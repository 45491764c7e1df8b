#!/bin/sh
# The database roles of docs/security.md ("Database roles"). The postgres image runs this once, as its
# bootstrap superuser, when it starts on an empty volume (docker-entrypoint-initdb.d); it is safe to
# run again by hand (an older volume: see the README's Docker notes).
#
# recovery_owner (password POSTGRES_PASSWORD) owns the database and, once `migrate` has run as it,
# every table: it runs the migrations and `manage.py grant_app_role`.
# recovery_app (password RECOVERY_APP_DB_PASSWORD) is what web, worker and beat log in as; it gets
# row privileges only, from grant_app_role after each migrate.
# The bootstrap superuser keeps no password: it is reached only through the container's socket
# (`docker compose exec postgres psql -U postgres recovery`), never over the network.
set -eu
: "${POSTGRES_PASSWORD:?}" "${RECOVERY_APP_DB_PASSWORD:?set RECOVERY_APP_DB_PASSWORD in .env}"

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set=db="$POSTGRES_DB" --set=superuser="$POSTGRES_USER" \
    --set=owner_password="$POSTGRES_PASSWORD" --set=app_password="$RECOVERY_APP_DB_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE recovery_owner' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'recovery_owner') \gexec
SELECT 'CREATE ROLE recovery_app' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'recovery_app') \gexec
ALTER ROLE recovery_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'owner_password';
ALTER ROLE recovery_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_password';

-- The owner owns the database, and so (PostgreSQL 15) may create tables in its public schema;
-- no one else may create anything there, and only the two roles may connect.
ALTER DATABASE :"db" OWNER TO recovery_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO recovery_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO recovery_app;

ALTER ROLE :"superuser" PASSWORD NULL;
SQL
