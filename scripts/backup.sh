#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the uploaded files
# (MEDIA_ROOT: public media, private/ scans and plan files, exports/, imports/).
#
#   scripts/backup.sh [DEST]        # default DEST: var/backups/<UTC time>
#
# Reads DATABASE_URL (postgres://…) and MEDIA_ROOT (default var/media) from the environment, as
# the portal does. Writes DEST/database.dump, DEST/media.tar.gz and DEST/SHA256SUMS. Safe while
# the portal runs: pg_dump reads one consistent snapshot; files are only ever added under random
# names, so a file uploaded during the copy is at worst missing from this backup, never torn.
# Restore with scripts/restore.sh. See README ("Sao lưu và phục hồi") and SECURITY.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${DATABASE_URL:-}" in
    postgres://*|postgresql://*) ;;
    *) echo "backup: DATABASE_URL must name the PostgreSQL database (postgres://…)." >&2
       echo "backup: the local SQLite database is one file: sqlite3 var/db.sqlite3 \".backup var/db-copy.sqlite3\"" >&2
       exit 2 ;;
esac
media="${MEDIA_ROOT:-var/media}"
dest="${1:-var/backups/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$dest"

pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$dest/database.dump" --dbname="$DATABASE_URL"
if [ -d "$media" ]; then
    tar -C "$media" -czf "$dest/media.tar.gz" .
else
    tar -czf "$dest/media.tar.gz" --files-from /dev/null   # no uploads yet: an empty archive
fi
(cd "$dest" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "backup: $dest ($(du -sh "$dest" | cut -f1))"
