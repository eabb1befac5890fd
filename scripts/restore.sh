#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media folder.
#
#   createdb unionportal_restored
#   DATABASE_URL=postgres://…/unionportal_restored MEDIA_ROOT=/srv/portal/media scripts/restore.sh DEST
#
# Checks the checksums, refuses a database that already has tables or a media folder that is not
# empty (it never overwrites), restores the dump in one transaction (all or nothing), then unpacks
# the files. Point the portal at the restored database and run `manage.py migrate` (a no-op for a
# backup of the same version).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

src="${1:?usage: scripts/restore.sh BACKUP_DIR}"
case "${DATABASE_URL:-}" in
    postgres://*|postgresql://*) ;;
    *) echo "restore: DATABASE_URL must name the (empty) PostgreSQL database to restore into." >&2; exit 2 ;;
esac
media="${MEDIA_ROOT:-var/media}"

(cd "$src" && sha256sum --check --quiet SHA256SUMS)
tables="$(psql --dbname="$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
    echo "restore: the database already has $tables tables; restore into a new, empty database." >&2
    exit 1
fi
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
    echo "restore: $media is not empty; restore the files into an empty folder." >&2
    exit 1
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$src/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$src/media.tar.gz"
echo "restore: database and files restored from $src"
