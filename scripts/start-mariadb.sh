#!/usr/bin/env bash
# Start the machine's MariaDB if it is down and wait until it answers.
set -euo pipefail
up() { mysqladmin --host=127.0.0.1 --port=3306 --user=root ping >/dev/null 2>&1; }
if ! up; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
for _ in $(seq 1 60); do up && exit 0; sleep 1; done
echo "MariaDB did not come up at 127.0.0.1:3306" >&2
exit 1
