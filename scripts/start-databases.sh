#!/usr/bin/env bash
# Start the machine's MariaDB and PostgreSQL if they are down, and wait until they answer.
set -euo pipefail

mariadb_up() { mysqladmin --host=127.0.0.1 --port=3306 --user=root ping >/dev/null 2>&1; }
postgres_up() { pg_isready --host=127.0.0.1 --port=5432 --quiet >/dev/null 2>&1; }

if ! mariadb_up; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
if ! postgres_up && command -v pg_ctlcluster >/dev/null; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi

for _ in $(seq 1 60); do
  mariadb_up && postgres_up && exit 0
  sleep 1
done
mariadb_up || { echo "MariaDB did not come up at 127.0.0.1:3306" >&2; exit 1; }
echo "PostgreSQL did not come up at 127.0.0.1:5432" >&2
exit 1
