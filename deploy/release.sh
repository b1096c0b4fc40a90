#!/bin/sh
# Release step, installed in the image as /usr/local/bin/lms-release.
# docker-compose.yml runs it once (service `migrate`) before web, worker and beat
# start; it is safe to run again at every deploy.
#
#   1. apply database migrations;
#   2. publish the static files collected at build time (STATIC_ROOT inside the
#      image) to /srv/static, the volume nginx serves /static/ from. Files are
#      overwritten in place, so the volume always matches the running image.
set -eu

STATIC_PUBLISH_DIR="${STATIC_PUBLISH_DIR:-/srv/static}"

echo "lms-release: applying migrations"
python /app/manage.py migrate --noinput

if [ -d "$STATIC_PUBLISH_DIR" ]; then
    echo "lms-release: publishing static files from $STATIC_ROOT to $STATIC_PUBLISH_DIR"
    cp -R --preserve=timestamps "$STATIC_ROOT/." "$STATIC_PUBLISH_DIR/"
fi

# Catch a media volume the app user cannot write before users hit it.
if [ -d "${MEDIA_ROOT:-}" ] && [ ! -w "$MEDIA_ROOT" ]; then
    echo "lms-release: MEDIA_ROOT $MEDIA_ROOT is not writable by $(id -u); fix the volume ownership" >&2
    exit 1
fi

echo "lms-release: done"
