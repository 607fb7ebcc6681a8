# Sourced by scripts/ensure-services.sh: apt-get that waits for the apt and dpkg
# locks instead of failing when another apt process (unattended upgrades, a
# parallel install) holds them.
#
# DPkg::Lock::Timeout makes apt wait for the dpkg frontend lock, but apt-get
# update does not apply it to the package lists lock: a lock error is retried
# until APT_LOCK_TIMEOUT seconds have passed.
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-600}
APT_LOCK_RETRY_SECONDS=${APT_LOCK_RETRY_SECONDS:-5}

apt_get() {
  local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) out rc told=""
  while :; do
    rc=0
    out=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" \
      "$@" 2>&1) || rc=$?
    if [ "$rc" -ne 0 ] && [ "$SECONDS" -lt "$deadline" ] &&
      grep -qE 'Could not get lock|Unable to lock|Unable to acquire the dpkg' <<<"$out"; then
      if [ -z "$told" ]; then
        echo "ensure-services: another apt/dpkg process holds the lock; waiting (up to ${APT_LOCK_TIMEOUT}s)…" >&2
        told=1
      fi
      sleep "$APT_LOCK_RETRY_SECONDS"
      continue
    fi
    [ -n "$out" ] && printf '%s\n' "$out"
    return "$rc"
  done
}
